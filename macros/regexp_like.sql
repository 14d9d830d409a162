{% macro regexp_like(value, pattern) -%}
    {{ return(adapter.dispatch('regexp_like', 'leadscore')(value, pattern)) }}
{%- endmacro %}

{% macro default__regexp_like(value, pattern) -%}
    regexp_matches({{ value }}, {{ pattern }})
{%- endmacro %}

{% macro postgres__regexp_like(value, pattern) -%}
    ({{ value }} ~ {{ pattern }})
{%- endmacro %}

{% macro spark__regexp_like(value, pattern) -%}
    ({{ value }} rlike {{ pattern }})
{%- endmacro %}
