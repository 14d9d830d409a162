-- One row per lead and attribute rule its attributes satisfy, with the value that matched. Attributes
-- that do not change are matched once per lead (as_of_date null): the match holds on every scored day of
-- the lead, and is not copied to each of them. Day-dependent ones (days since last activity) are matched
-- per scored day.
with

lead_attributes as (
    select * from {{ ref('int_lead_attributes') }}
),

lead_days as (
    select * from {{ ref('int_lead_days') }}
),

rules as (
    select * from {{ ref('int_scoring_rules') }}
    where rule_type = 'attribute'
),

reference_lists as (
    select * from {{ ref('reference_lists') }}
),

daily_attributes as (
    {{ unpivot_attributes('lead_days', 'lead_id, as_of_date', daily_lead_attributes()) }}
),

attribute_values as (
    -- Day-independent values carry no day.
    select
        lead_id,
        cast(null as date) as as_of_date,
        attribute,
        value_text,
        value_display,
        value_number
    from lead_attributes
    union all
    select
        lead_id,
        as_of_date,
        attribute,
        value_text,
        value_display,
        value_number
    from daily_attributes
),

matched as (
    select
        attribute_values.as_of_date,
        rules.model_id,
        rules.rule_id,
        attribute_values.lead_id,
        attribute_values.value_display as matched_value
    from attribute_values
    inner join rules
        on attribute_values.attribute = rules.match_field
    left join reference_lists
        on {{ reference_list_match('rules', 'attribute_values.value_text', 'reference_lists') }}
    where {{ rule_matches(
        'rules', 'attribute_values.value_text', 'attribute_values.value_number', 'reference_lists.list_value'
    ) }}
),

final as (
    select * from matched
)

select * from final
