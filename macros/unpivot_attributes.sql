{% macro unpivot_attributes(relation, key, attributes) -%}
    {#- One row per (key, attribute): the value as lower-case text for matching, as entered for reasons,
        and, for numeric attributes, as a number. -#}
    {%- for name, kind in attributes.items() %}
    select
        {{ key }},
        '{{ name }}' as attribute,
        lower(cast({{ name }} as {{ dbt.type_string() }})) as value_text,
        cast({{ name }} as {{ dbt.type_string() }}) as value_display,
        {% if kind == 'number' -%}
        cast({{ name }} as {{ type_double() }})
        {%- else -%}
        cast(null as {{ type_double() }})
        {%- endif %} as value_number
    from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
