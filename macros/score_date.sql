{% macro score_date() -%}
    cast('{{ score_date_value().isoformat() }}' as date)
{%- endmacro %}
