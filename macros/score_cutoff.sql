{% macro score_cutoff() -%}
    {#- First instant after the as-of date: rows at or after it are not visible yet. -#}
    cast('{{ (score_date_value() + modules.datetime.timedelta(days=1)).isoformat() }} 00:00:00' as timestamp)
{%- endmacro %}
