-- The weighting matrix, validated and typed. A bad cell stops the build with a message naming rule and column.
-- depends_on: {{ ref('scoring_models') }}
-- depends_on: {{ ref('reference_lists') }}
{#- Validate only when the seed is loaded (a lint or compile of a fresh project has no warehouse yet). -#}
{%- if execute and load_relation(ref('scoring_rules')) is not none %}
    {%- set rules = run_query('select * from ' ~ ref('scoring_rules')) %}
    {%- set model_ids = run_query('select model_id from ' ~ ref('scoring_models')).columns[0].values() | list %}
    {%- set lists = run_query('select distinct list_name from ' ~ ref('reference_lists')) %}
    {%- set list_names = lists.columns[0].values() | list %}
    {%- set errors = validate_scoring_rules(rules, model_ids, list_names) %}
    {%- if errors %}
        {{ exceptions.raise_compiler_error(
            'seeds/scoring_rules.csv has ' ~ errors | length ~ ' invalid cell(s):\n  - ' ~ errors | join('\n  - ')
        ) }}
    {%- endif %}
{%- endif %}

with

rules as (
    select * from {{ ref('scoring_rules') }}
),

typed as (
    select
        trim(model_id) as model_id,
        trim(rule_id) as rule_id,
        trim(component) as component,
        trim(rule_type) as rule_type,
        nullif(trim(event_type), '') as event_type,
        nullif(trim(match_field), '') as match_field,
        nullif(trim(operator), '') as operator,
        nullif(lower(trim(match_value)), '') as match_value,
        cast(nullif(trim(value_min), '') as {{ type_double() }}) as value_min,
        cast(nullif(trim(value_max), '') as {{ type_double() }}) as value_max,
        cast(trim(points) as {{ type_double() }}) as points,
        trim(award) as award,
        cast(nullif(trim(min_occurrences), '') as integer) as min_occurrences,
        cast(nullif(trim(window_days), '') as integer) as window_days,
        trim(decay_type) as decay_type,
        cast(nullif(trim(decay_days), '') as {{ type_double() }}) as decay_days,
        cast(nullif(trim(max_occurrences), '') as integer) as max_occurrences,
        cast(nullif(trim(max_points), '') as {{ type_double() }}) as max_points,
        lower(trim(is_disqualifier)) = 'true' as is_disqualifier,
        lower(trim(is_active)) = 'true' as is_active,
        trim(reason) as reason_template
    from rules
),

final as (
    select * from typed
    where is_active
)

select * from final
