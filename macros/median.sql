{% macro median(expression) -%}
    {#- The median (interpolated, like percentile_cont(0.5)) of a numeric expression; an aggregate. -#}
    {{ return(adapter.dispatch('median', 'leadscore')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro postgres__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}
