-- How well each scoring model ranks leads that went on to convert above those that did not: the AUC over
-- every at-risk lead-snapshot of lead_snapshot_outcomes, with what it was computed from.
with

outcomes as (
    select * from {{ ref('lead_snapshot_outcomes') }}
),

at_risk as (
    select * from outcomes
    where is_at_risk
),

aucs as (
    {{ mann_whitney_auc('at_risk', ['model_id'], 'total_score', 'is_converted') }}
),

coverage as (
    select
        model_id,
        count(distinct snapshot_date) as snapshots,
        min(snapshot_date) as first_snapshot_date,
        max(snapshot_date) as last_snapshot_date,
        count(case when not_at_risk_reason = 'sql_or_beyond' then 1 end) as excluded_sql_or_beyond,
        count(case when not_at_risk_reason = 'disqualified_by_sales' then 1 end) as excluded_disqualified_by_sales
    from outcomes
    group by model_id
),

final as (
    select
        coverage.model_id,
        coverage.snapshots,
        coverage.first_snapshot_date,
        coverage.last_snapshot_date,
        cast({{ var('calibration_window_days') }} as integer) as window_days,
        coalesce(aucs.scored_rows, 0) as lead_snapshots,
        coalesce(aucs.positives, 0) as conversions,
        coverage.excluded_sql_or_beyond,
        coverage.excluded_disqualified_by_sales,
        aucs.auc
    from coverage
    left join aucs
        on coverage.model_id = aucs.model_id
)

select * from final
