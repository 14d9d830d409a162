{% macro spark__cast(field, type) -%}
    {#- dbt's cast on Spark. The contract check casts null to each column's YAML data_type; the contracts name
        text columns varchar, which Spark accepts only with a length, so varchar is cast as string (what Spark
        reports for the model's text columns anyway). -#}
    cast({{ field }} as {{ 'string' if type | trim | lower == 'varchar' else type }})
{%- endmacro %}
