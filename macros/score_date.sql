{% macro score_date_value() -%}
    {#- The as-of date as a Python date: the var when set, else today in UTC. -#}
    {%- set configured = var('score_date', none) -%}
    {%- if configured is none or configured == '' -%}
        {{- return(modules.datetime.datetime.utcnow().date()) -}}
    {%- endif -%}
    {%- set parsed = modules.datetime.datetime.strptime(configured | string, '%Y-%m-%d') -%}
    {{- return(parsed.date()) -}}
{%- endmacro %}

{% macro score_date() -%}
    cast('{{ score_date_value().isoformat() }}' as date)
{%- endmacro %}

{% macro score_cutoff() -%}
    {#- First instant after the as-of date: rows at or after it are not visible yet. -#}
    cast('{{ (score_date_value() + modules.datetime.timedelta(days=1)).isoformat() }} 00:00:00' as timestamp)
{%- endmacro %}
