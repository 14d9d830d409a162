{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {#- Overrides dbt-spark's listagg, which drops the order by (collect_list + concat_ws): Spark 4 has listagg
        ... within group (order by ...), so the list comes out in the same order as on DuckDB and PostgreSQL. -#}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error('listagg: limit_num is not supported on Spark') }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }})
    {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}
