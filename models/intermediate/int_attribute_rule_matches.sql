-- One row per lead and attribute rule its attributes satisfy, with the value that matched.
with

lead_attributes as (
    select * from {{ ref('int_lead_attributes') }}
),

rules as (
    select * from {{ ref('int_scoring_rules') }}
    where rule_type = 'attribute'
),

reference_lists as (
    select * from {{ ref('reference_lists') }}
),

candidates as (
    select
        rules.model_id,
        rules.rule_id,
        rules.operator,
        rules.match_value,
        rules.value_min,
        rules.value_max,
        lead_attributes.lead_id,
        lead_attributes.value_text,
        lead_attributes.value_display,
        lead_attributes.value_number
    from lead_attributes
    inner join rules
        on lead_attributes.attribute = rules.match_field
),

matched as (
    select candidates.*
    from candidates
    left join reference_lists
        on candidates.operator = 'in'
            and candidates.match_value = lower(reference_lists.list_name)
            and candidates.value_text = lower(reference_lists.list_value)
    where {{ rule_matches(
        'candidates', 'candidates.value_text', 'candidates.value_number', 'reference_lists.list_value'
    ) }}
),

final as (
    select
        model_id,
        rule_id,
        lead_id,
        value_display as matched_value
    from matched
)

select * from final
