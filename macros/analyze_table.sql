{% macro analyze_table() -%}
    {#- Planner statistics right after a table is built, so the next model's joins are planned on real
        row counts (PostgreSQL does not gather them until autovacuum gets round to it). -#}
    {{ return(adapter.dispatch('analyze_table', 'leadscore')()) }}
{%- endmacro %}

{% macro default__analyze_table() -%}
{%- endmacro %}

{% macro postgres__analyze_table() -%}
    {#- A view has no statistics of its own (PostgreSQL would only warn that it skipped it). -#}
    {%- if config.get('materialized') != 'view' -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
