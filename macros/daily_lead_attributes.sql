{% macro daily_lead_attributes() -%}
    {#- The lead attributes that change with the scored day (int_lead_days), which attribute rules can match. -#}
    {{ return({'days_since_last_activity': 'number'}) }}
{%- endmacro %}
