{% macro lead_attributes() -%}
    {#- The lead attributes attribute rules can match: name -> 'text' or 'number'. One list for the unpivot and the matrix validation. -#}
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
        'days_since_last_activity': 'number',
    }) }}
{%- endmacro %}
