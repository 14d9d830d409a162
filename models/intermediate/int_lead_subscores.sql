-- One row per scored day, lead and scoring model that has ledger rows: the three subscores after the model's
-- group caps, and whether a disqualifying rule fired.
with

contributions as (
    select * from {{ ref('int_lead_rule_contributions') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
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

capped as (
    select
        summed.*,
        least(
            summed.behavioral_points_uncapped,
            coalesce(scoring_models.behavioral_cap, summed.behavioral_points_uncapped)
        )
            as behavioral_points,
        least(
            summed.firmographic_points_uncapped,
            coalesce(scoring_models.firmographic_cap, summed.firmographic_points_uncapped)
        )
            as firmographic_points,
        greatest(
            summed.negative_points_uncapped, coalesce(scoring_models.negative_floor, summed.negative_points_uncapped)
        )
            as negative_points
    from summed
    inner join scoring_models
        on summed.model_id = scoring_models.model_id
),

final as (
    select
        as_of_date,
        model_id,
        lead_id,
        behavioral_points,
        firmographic_points,
        negative_points,
        behavioral_points_uncapped,
        firmographic_points_uncapped,
        negative_points_uncapped,
        is_disqualified,
        rules_fired
    from capped
)

select * from final
