{% macro lead_attributes() -%}
    {#- The lead attributes that stay the same from day to day, which attribute rules can match: name -> 'text' or 'number'. -#}
    {{ return({
        'industry': 'text',
        'employee_count': 'number',
        'annual_revenue': 'number',
        'country_code': 'text',
        'job_title': 'text',
        'seniority': 'text',
        'persona': 'text',
        'department': 'text',
        'lead_source': 'text',
        'email_domain': 'text',
    }) }}
{%- endmacro %}
