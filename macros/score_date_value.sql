{% macro score_date_value() -%}
    {#- The as-of date as a Python date: the var when set, else today in UTC. -#}
    {%- set configured = var('score_date', none) -%}
    {%- if configured is none or configured == '' -%}
        {{- return(modules.datetime.datetime.utcnow().date()) -}}
    {%- endif -%}
    {%- set parsed = modules.datetime.datetime.strptime(configured | string, '%Y-%m-%d') -%}
    {{- return(parsed.date()) -}}
{%- endmacro %}
