{% macro analyze_table() -%}
    {#- Planner statistics right after a table is built, so the next model's joins are planned on real
        row counts (PostgreSQL does not gather them until autovacuum gets round to it). -#}
    {{ return(adapter.dispatch('analyze_table', 'leadscore')()) }}
{%- endmacro %}

{% macro default__analyze_table() -%}
{%- endmacro %}

{% macro postgres__analyze_table() -%}
    analyze {{ this }}
{%- endmacro %}
