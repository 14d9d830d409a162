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
