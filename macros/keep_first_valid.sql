{% macro keep_first_valid(key, order_by, duplicate_reason) -%}
    {#-
        The row's quarantine reason: its own `row_problem` (from first_failing_check) if any; else, among
        rows sharing `key`, the first valid one by `order_by` is kept and the others get
        `duplicate_reason`, so a bad newer copy never pushes out a good older one.
    -#}
    coalesce(
        row_problem,
        case
            when row_number() over (
                partition by {{ key }}
                order by case when row_problem is null then 0 else 1 end, {{ order_by }}
            ) > 1 then '{{ duplicate_reason }}'
        end
    )
{%- endmacro %}
