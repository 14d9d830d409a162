{% macro first_failing_check(checks) -%}
    {#- checks: list of [condition_sql, reason]; the reason of the first condition that holds, else null. -#}
    case
    {%- for condition, reason in checks %}
        when {{ condition }} then '{{ reason }}'
    {%- endfor %}
    end
{%- endmacro %}

{% macro quarantine_reason(checks, key, order_by, duplicate_reason) -%}
    {#-
        Why a delivered row cannot be used, or null. The row's own checks come first; among the rows that
        share a key, the first valid one by `order_by` is kept and the others are `duplicate_reason`, so a
        bad newer copy never pushes out a good older one.
    -#}
    coalesce(
        {{ first_failing_check(checks) }},
        case
            when row_number() over (
                partition by {{ key }}
                order by case when {{ first_failing_check(checks) }} is null then 0 else 1 end, {{ order_by }}
            ) > 1 then '{{ duplicate_reason }}'
        end
    )
{%- endmacro %}
