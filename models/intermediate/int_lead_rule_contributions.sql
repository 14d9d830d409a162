-- The ledger: one row per lead, scoring model and rule that fired, with the points it adds: per scored
-- day for event rules and day-dependent attributes, once (as_of_date null) for rules on attributes that
-- do not change, which hold on every scored day of the lead. Every point of every score on every day is
-- the sum of that day's rows and the lead's static rows.
with

rules as (
    select * from {{ ref('int_scoring_rules') }}
),

event_rule_totals as (
    select * from {{ ref('int_event_rule_totals') }}
),

attribute_matches as (
    select * from {{ ref('int_attribute_rule_matches') }}
),

attribute_rule_totals as (
    select
        attribute_matches.as_of_date,
        attribute_matches.model_id,
        attribute_matches.rule_id,
        attribute_matches.lead_id,
        1 as occurrences,
        cast(null as timestamp) as first_fired_at,
        cast(null as timestamp) as last_fired_at,
        cast(null as integer) as days_since_last_fired,
        attribute_matches.matched_value,
        rules.points as uncapped_points
    from attribute_matches
    inner join rules
        on attribute_matches.model_id = rules.model_id
            and attribute_matches.rule_id = rules.rule_id
),

rule_totals as (
    select
        as_of_date,
        model_id,
        rule_id,
        lead_id,
        occurrences,
        first_fired_at,
        last_fired_at,
        days_since_last_fired,
        cast(null as {{ dbt.type_string() }}) as matched_value,
        uncapped_points
    from event_rule_totals
    union all
    select * from attribute_rule_totals
),

capped as (
    select
        rule_totals.*,
        rules.component,
        rules.is_disqualifier,
        case
            when rules.max_points is null then rule_totals.uncapped_points
            when rule_totals.uncapped_points >= 0 then least(rule_totals.uncapped_points, abs(rules.max_points))
            else greatest(rule_totals.uncapped_points, -abs(rules.max_points))
        end as points
    from rule_totals
    inner join rules
        on rule_totals.model_id = rules.model_id
            and rule_totals.rule_id = rules.rule_id
),

final as (
    select
        as_of_date,
        model_id,
        lead_id,
        rule_id,
        component,
        occurrences,
        first_fired_at,
        last_fired_at,
        days_since_last_fired,
        matched_value,
        uncapped_points,
        points,
        is_disqualifier
    from capped
    where points <> 0 or is_disqualifier
)

select * from final
