{% macro first_failing_check(checks) -%}
    {#- checks: list of [condition_sql, reason]; the reason of the first condition that holds, else null. -#}
    case
    {%- for condition, reason in checks %}
        when {{ condition }} then '{{ reason }}'
    {%- endfor %}
    end
{%- endmacro %}
