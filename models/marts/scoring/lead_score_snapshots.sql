{{ config(
    post_hook="{{ delete_snapshots_before(this, calibration_snapshot_dates() | min) }}",
    **incremental_by('snapshot_date')
) }}
-- One row per lead, active scoring model and calibration snapshot day (the first day of each of the
-- last calibration_months months): the score as of that day, computed by the same rules from what was
-- visible then. Each snapshot day is scored once; a full refresh rescores them all (after a rule change).
-- Month starts that fall out of the window are deleted, so daily runs hold what a full refresh builds.
-- Status is the thresholds' status that day (no hysteresis: snapshots are a month apart).
with

daily_scores as (
    select * from {{ ref('int_lead_daily_scores') }}
    where is_snapshot_day
),

final as (
    select
        as_of_date as snapshot_date,
        model_id,
        lead_id,
        behavioral_points,
        firmographic_points,
        negative_points,
        total_score,
        fit_grade,
        engagement_tier,
        case when is_disqualified then 'disqualified' else threshold_status end as score_status,
        is_disqualified
    from daily_scores
)

select * from final
