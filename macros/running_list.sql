{% macro running_list(measure, delimiter_text, partition_by, order_by) -%}
    {#- The values of `measure` so far in the partition, in `order_by` order, joined by `delimiter_text`: a
        window, so the row ranked last holds the whole list. Dispatched: Spark has no string_agg window. -#}
    {{ return(adapter.dispatch('running_list', 'leadscore')(measure, delimiter_text, partition_by, order_by)) }}
{%- endmacro %}

{% macro default__running_list(measure, delimiter_text, partition_by, order_by) -%}
    string_agg({{ measure }}, {{ delimiter_text }}) over (
        partition by {{ partition_by }} order by {{ order_by }} rows between unbounded preceding and current row
    )
{%- endmacro %}

{% macro spark__running_list(measure, delimiter_text, partition_by, order_by) -%}
    concat_ws({{ delimiter_text }}, collect_list({{ measure }}) over (
        partition by {{ partition_by }} order by {{ order_by }} rows between unbounded preceding and current row
    ))
{%- endmacro %}
