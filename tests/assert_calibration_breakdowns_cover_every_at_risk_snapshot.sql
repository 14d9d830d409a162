-- score_calibration's decile and status breakdowns each hold every at-risk lead-snapshot and conversion of a
-- model exactly once, and agree with the counts model_auc computes its AUC from.
with

calibration as (
    select
        model_id,
        breakdown,
        sum(lead_snapshots) as lead_snapshots,
        sum(conversions) as conversions
    from {{ ref('score_calibration') }}
    group by model_id, breakdown
),

aucs as (
    select * from {{ ref('model_auc') }}
)

select
    aucs.model_id,
    calibration.breakdown,
    aucs.lead_snapshots as auc_lead_snapshots,
    calibration.lead_snapshots as calibration_lead_snapshots,
    aucs.conversions as auc_conversions,
    calibration.conversions as calibration_conversions
from aucs
left join calibration
    on aucs.model_id = calibration.model_id
where
    aucs.lead_snapshots > 0
    and (
        calibration.model_id is null
        or calibration.lead_snapshots <> aucs.lead_snapshots
        or calibration.conversions <> aucs.conversions
    )
