{% macro round_number(value, digits=0) -%}
    {#- round(value, digits), half away from zero. PostgreSQL has no round(double precision, integer),
        so there the value is rounded as numeric (which also rounds half away from zero, like DuckDB). -#}
    {{ return(adapter.dispatch('round_number', 'leadscore')(value, digits)) }}
{%- endmacro %}

{% macro default__round_number(value, digits) -%}
    round({{ value }}, {{ digits }})
{%- endmacro %}

{% macro postgres__round_number(value, digits) -%}
    round(cast({{ value }} as numeric), {{ digits }})
{%- endmacro %}
