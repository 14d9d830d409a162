{% macro decay_factor(decay_type, decay_days, age_days) -%}
    {#- Share of a rule's points an event keeps at a given age: half_life halves every decay_days,
        linear falls to 0 at decay_days, step halves at each full decay_days, none keeps all. -#}
    case
        when {{ decay_type }} = 'half_life' then power(0.5, {{ age_days }} / {{ decay_days }})
        when {{ decay_type }} = 'linear' then greatest(0.0, 1.0 - {{ age_days }} / {{ decay_days }})
        when {{ decay_type }} = 'step' then power(0.5, floor({{ age_days }} / {{ decay_days }}))
        else 1.0
    end
{%- endmacro %}
