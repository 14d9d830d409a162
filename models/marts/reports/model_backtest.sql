-- What if the candidate scoring model had been live? Per calibration snapshot day, two models side by side
-- (vars backtest_baseline and backtest_candidate): the leads each would have had at mql or hot (the handoff
-- sales has to work), the new ones since the previous snapshot, and - once the day's follow-up window has
-- ended - how many later conversions each had already handed over, and each model's AUC that day.
{%- set baseline = active_model_var('backtest_baseline') %}
{%- set candidate = active_model_var('backtest_candidate') %}
with

snapshots as (
    select * from {{ ref('lead_score_snapshots') }}
    where model_id in ({{ baseline }}, {{ candidate }})
),

outcomes as (
    select * from {{ ref('lead_snapshot_outcomes') }}
    where model_id in ({{ baseline }}, {{ candidate }})
),

at_risk as (
    select * from outcomes
    where is_at_risk
),

handoffs as (
    select
        snapshot_date,
        model_id,
        lead_id,
        score_status in ('mql', 'hot') as is_handed_over,
        lag(score_status in ('mql', 'hot')) over (partition by model_id, lead_id order by snapshot_date)
            as was_handed_over,
        min(snapshot_date) over () as first_snapshot_date
    from snapshots
),

handoff_counts as (
    -- The first snapshot day has no previous one to tell new handoffs from old ones.
    select
        snapshot_date,
        model_id,
        count(case when is_handed_over then 1 end) as mql_leads,
        case
            when snapshot_date > first_snapshot_date
                then count(case when is_handed_over and not coalesce(was_handed_over, false) then 1 end)
        end as new_mql_leads
    from handoffs
    group by snapshot_date, model_id, first_snapshot_date
),

captures as (
    select
        snapshot_date,
        model_id,
        count(*) as at_risk_lead_snapshots,
        count(case when is_converted then 1 end) as conversions,
        count(case when is_converted and score_status in ('mql', 'hot') then 1 end) as captured_conversions
    from at_risk
    group by snapshot_date, model_id
),

daily_aucs as (
    {{ mann_whitney_auc('at_risk', ['snapshot_date', 'model_id'], 'total_score', 'is_converted') }}
),

per_model as (
    select
        handoff_counts.snapshot_date,
        handoff_counts.model_id,
        handoff_counts.mql_leads,
        handoff_counts.new_mql_leads,
        captures.at_risk_lead_snapshots,
        captures.conversions,
        captures.captured_conversions,
        daily_aucs.auc
    from handoff_counts
    left join captures
        on handoff_counts.snapshot_date = captures.snapshot_date
            and handoff_counts.model_id = captures.model_id
    left join daily_aucs
        on handoff_counts.snapshot_date = daily_aucs.snapshot_date
            and handoff_counts.model_id = daily_aucs.model_id
),

baseline as (
    select * from per_model
    where model_id = {{ baseline }}
),

candidate as (
    select * from per_model
    where model_id = {{ candidate }}
),

final as (
    -- Which leads are at risk and which convert does not depend on the model, so those counts are the baseline's.
    select
        baseline.snapshot_date,
        baseline.model_id as baseline_model_id,
        candidate.model_id as candidate_model_id,
        baseline.mql_leads as baseline_mql_leads,
        candidate.mql_leads as candidate_mql_leads,
        baseline.new_mql_leads as baseline_new_mql_leads,
        candidate.new_mql_leads as candidate_new_mql_leads,
        baseline.at_risk_lead_snapshots,
        baseline.conversions,
        baseline.captured_conversions as baseline_captured_conversions,
        candidate.captured_conversions as candidate_captured_conversions,
        baseline.auc as baseline_auc,
        candidate.auc as candidate_auc
    from baseline
    inner join candidate
        on baseline.snapshot_date = candidate.snapshot_date
)

select * from final
