{% macro round_number(value, digits=0) -%}
    {#- round(value, digits), half away from zero, the same on every engine. Points are decimal numbers
        (60 x (1 - 35/120) = 42.5) that binary doubles hold as 42.4999...; a nudge of 1e-9 away from zero
        rounds them as written. PostgreSQL has no round(double precision, integer), so there the value
        is rounded as numeric. -#}
    {{ return(adapter.dispatch('round_number', 'leadscore')(value, digits)) }}
{%- endmacro %}

{% macro default__round_number(value, digits) -%}
    round({{ value }} + sign({{ value }}) * 1e-9, {{ digits }})
{%- endmacro %}

{% macro postgres__round_number(value, digits) -%}
    round(cast({{ value }} + sign({{ value }}) * 1e-9 as numeric), {{ digits }})
{%- endmacro %}
