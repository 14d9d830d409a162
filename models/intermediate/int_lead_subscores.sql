{{ config(**by_scored_day_chunks()) }}
-- One row per scored day, lead and scoring model with day-dependent ledger rows, and one per lead and
-- model with static ledger rows (as_of_date null, holding on every scored day of the lead): the points
-- summed per component, before the model's group caps (int_lead_daily_scores adds the two and caps).
with

contributions as (
    select * from {{ ref('int_lead_rule_contributions') }}
),

summed as (
    select
        as_of_date,
        model_id,
        lead_id,
        sum(case when component = 'behavioral' then points else 0 end) as behavioral_points_uncapped,
        sum(case when component = 'firmographic' then points else 0 end) as firmographic_points_uncapped,
        sum(case when component = 'negative' then points else 0 end) as negative_points_uncapped,
        max(case when is_disqualifier then 1 else 0 end) = 1 as is_disqualified,
        count(*) as rules_fired
    from contributions
    group by as_of_date, model_id, lead_id
),

final as (
    select * from summed
)

select * from final
