{% macro ratio(numerator, denominator, digits) -%}
    {#- numerator / denominator rounded half up to `digits` decimals as decimal(18, digits); null when the
        denominator is 0. Rounding a float differs between engines at ties (DuckDB rounds the binary
        value, PostgreSQL its 15-digit decimal form), so the rounding is done on an integer: the one
        float division is exact whenever its result is a whole number. For non-negative numerators
        (counts, seconds, or a median of them) and digits >= 1. -#}
    {%- set scale = 10 ** digits -%}
    {%- set unit = '0.' ~ '0' * (digits - 1) ~ '1' -%}
    cast(
        cast(
            floor(({{ 2 * scale }} * ({{ numerator }}) + ({{ denominator }})) / (2.0 * nullif({{ denominator }}, 0)))
            as decimal(18, 0)
        ) * {{ unit }}
        as decimal(18, {{ digits }})
    )
{%- endmacro %}
