{{ config(**by_scored_day_chunks()) }}
-- One row per scored day, lead and active scoring model, whether or not any rule fired: the three
-- subscores (the day's ledger sums plus the lead's static ones, after the model's group caps), the
-- total, fit grade, engagement tier and the status the thresholds give that day (before hysteresis,
-- which needs the stored history; see lead_score_history).
with

lead_days as (
    select * from {{ ref('int_lead_days') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
    where is_active
),

subscores as (
    select * from {{ ref('int_lead_subscores') }}
),

fit_grades as (
    select * from {{ ref('fit_grades') }}
),

engagement_tiers as (
    select * from {{ ref('engagement_tiers') }}
),

score_thresholds as (
    select
        model_id,
        score_status as threshold_status,
        min_score,
        min_fit_grade
    from {{ ref('score_thresholds') }}
),

summed as (
    -- The day's sums plus the lead's static sums, which hold on every day.
    select
        lead_days.as_of_date,
        lead_days.is_history_day,
        lead_days.is_anchor,
        lead_days.is_snapshot_day,
        scoring_models.model_id,
        lead_days.lead_id,
        scoring_models.behavioral_cap,
        scoring_models.firmographic_cap,
        scoring_models.negative_floor,
        coalesce(day_sums.behavioral_points_uncapped, 0)
        + coalesce(static_sums.behavioral_points_uncapped, 0) as behavioral_points_uncapped,
        coalesce(day_sums.firmographic_points_uncapped, 0)
        + coalesce(static_sums.firmographic_points_uncapped, 0) as firmographic_points_uncapped,
        coalesce(day_sums.negative_points_uncapped, 0)
        + coalesce(static_sums.negative_points_uncapped, 0) as negative_points_uncapped,
        coalesce(day_sums.is_disqualified, false) or coalesce(static_sums.is_disqualified, false) as is_disqualified,
        coalesce(day_sums.rules_fired, 0) + coalesce(static_sums.rules_fired, 0) as rules_fired
    from lead_days
    cross join scoring_models
    left join subscores as day_sums
        on lead_days.lead_id = day_sums.lead_id
            and lead_days.as_of_date = day_sums.as_of_date
            and scoring_models.model_id = day_sums.model_id
    left join subscores as static_sums
        on lead_days.lead_id = static_sums.lead_id
            and scoring_models.model_id = static_sums.model_id
            and static_sums.as_of_date is null
),

scored as (
    -- The model's group caps, then whole points.
    select
        as_of_date,
        is_history_day,
        is_anchor,
        is_snapshot_day,
        model_id,
        lead_id,
        cast({{ round_number(
            'least(behavioral_points_uncapped, coalesce(behavioral_cap, behavioral_points_uncapped))', 0
        ) }} as integer) as behavioral_points,
        cast({{ round_number(
            'least(firmographic_points_uncapped, coalesce(firmographic_cap, firmographic_points_uncapped))', 0
        ) }} as integer) as firmographic_points,
        cast({{ round_number(
            'greatest(negative_points_uncapped, coalesce(negative_floor, negative_points_uncapped))', 0
        ) }} as integer) as negative_points,
        is_disqualified,
        cast(rules_fired as integer) as rules_fired
    from summed
),

totalled as (
    select
        *,
        behavioral_points + firmographic_points + negative_points as total_score
    from scored
),

graded as (
    {{ highest_band('totalled', 'fit_grades', 'fit_grade', 'min_points', 'firmographic_points') }}
),

tiered as (
    {{ highest_band('graded', 'engagement_tiers', 'engagement_tier', 'min_points', 'behavioral_points') }}
),

-- A band may demand a minimum fit grade: a very active lead with a poor fit is not a priority.
banded as (
    {{ highest_band(
        'tiered', 'score_thresholds', 'threshold_status', 'min_score', 'total_score',
        '(score_thresholds.min_fit_grade is null or tiered.fit_grade <= score_thresholds.min_fit_grade)'
    ) }}
),

final as (
    select
        as_of_date,
        is_history_day,
        is_anchor,
        is_snapshot_day,
        model_id,
        lead_id,
        behavioral_points,
        firmographic_points,
        negative_points,
        total_score,
        fit_grade,
        cast(engagement_tier as integer) as engagement_tier,
        threshold_status,
        is_disqualified,
        rules_fired
    from banded
)

select * from final
