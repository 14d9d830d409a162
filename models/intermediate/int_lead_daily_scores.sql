-- One row per scored day, lead and active scoring model, whether or not any rule fired: the three
-- subscores, the total, fit grade, engagement tier and the status the thresholds give that day
-- (before hysteresis, which needs the stored history; see lead_score_history).
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

scored as (
    select
        lead_days.as_of_date,
        lead_days.is_history_day,
        lead_days.is_anchor,
        lead_days.is_snapshot_day,
        scoring_models.model_id,
        lead_days.lead_id,
        cast({{ round_number('coalesce(subscores.behavioral_points, 0)', 0) }} as integer) as behavioral_points,
        cast({{ round_number('coalesce(subscores.firmographic_points, 0)', 0) }} as integer) as firmographic_points,
        cast({{ round_number('coalesce(subscores.negative_points, 0)', 0) }} as integer) as negative_points,
        coalesce(subscores.is_disqualified, false) as is_disqualified,
        cast(coalesce(subscores.rules_fired, 0) as integer) as rules_fired
    from lead_days
    cross join scoring_models
    left join subscores
        on lead_days.lead_id = subscores.lead_id
            and lead_days.as_of_date = subscores.as_of_date
            and scoring_models.model_id = subscores.model_id
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
