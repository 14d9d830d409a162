{% macro rule_matches(rule, value_text, value_number, list_value) -%}
    {#-
        True when a value satisfies a rule's operator. `rule` is the alias of a relation with operator,
        match_value, value_min and value_max; `list_value` is the reference-list value joined for the
        `in` operator. The rule's cells are compared as data, never spliced into SQL.
    -#}
    case
        when {{ rule }}.operator is null then true
        when {{ rule }}.operator = 'equals' then {{ value_text }} = {{ rule }}.match_value
        when {{ rule }}.operator = 'in' then {{ list_value }} is not null
        when {{ rule }}.operator = 'contains' then {{ dbt.position(rule ~ '.match_value', value_text) }} > 0
        when {{ rule }}.operator = 'regex' then {{ regexp_like(value_text, rule ~ '.match_value') }}
        when {{ rule }}.operator = 'between'
            then {{ value_number }} >= coalesce({{ rule }}.value_min, {{ value_number }})
            and {{ value_number }} <= coalesce({{ rule }}.value_max, {{ value_number }})
        when {{ rule }}.operator = 'is_null' then {{ value_text }} is null
        else false
    end
{%- endmacro %}

{% macro reference_list_match(rule, value_text, reference_lists) -%}
    {#-
        The condition joining a rule's reference list, whose list_value rule_matches then reads: the list the
        rule names, only for the `in` operator, holding the value. One equality per side, so a hash join.
    -#}
    case when {{ rule }}.operator = 'in' then {{ rule }}.match_value end = lower({{ reference_lists }}.list_name)
    and {{ value_text }} = lower({{ reference_lists }}.list_value)
{%- endmacro %}
