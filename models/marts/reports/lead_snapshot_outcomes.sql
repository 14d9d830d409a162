-- What happened after each calibration snapshot: one row per snapshot day whose follow-up window has
-- ended by the score date, scoring model and lead. A lead is at risk of converting unless the CRM had it
-- at sql or beyond, or disqualified, at the snapshot; an at-risk lead converts when it reaches sql,
-- opportunity or customer in the window. The score's own disqualification is a prediction to be judged,
-- so it does not take a lead out.
{%- set window_days = var('calibration_window_days') %}
with

snapshots as (
    select * from {{ ref('lead_score_snapshots') }}
    where {{ dbt.dateadd('day', window_days, 'snapshot_date') }} <= {{ score_date() }}
),

transitions as (
    select * from {{ ref('int_lead_lifecycle_transitions') }}
),

snapshot_days as (
    -- The snapshot sees everything before visible_before; its window is [visible_before, follow_up_ends_at).
    select distinct
        snapshot_date,
        cast({{ dbt.dateadd('day', 1, 'snapshot_date') }} as timestamp) as visible_before,
        cast({{ dbt.dateadd('day', window_days + 1, 'snapshot_date') }} as timestamp) as follow_up_ends_at
    from snapshots
),

latest_visible_transitions as (
    select
        snapshot_days.snapshot_date,
        transitions.lead_id,
        max(transitions.transition_number) as transition_number
    from transitions
    inner join snapshot_days
        on transitions.transitioned_at < snapshot_days.visible_before
    group by snapshot_days.snapshot_date, transitions.lead_id
),

crm_statuses as (
    select
        latest_visible_transitions.snapshot_date,
        latest_visible_transitions.lead_id,
        transitions.to_status as crm_status
    from latest_visible_transitions
    inner join transitions
        on latest_visible_transitions.lead_id = transitions.lead_id
            and latest_visible_transitions.transition_number = transitions.transition_number
),

conversions as (
    select
        snapshot_days.snapshot_date,
        transitions.lead_id,
        min(transitions.transitioned_at) as converted_at
    from transitions
    inner join snapshot_days
        on transitions.transitioned_at >= snapshot_days.visible_before
            and transitions.transitioned_at < snapshot_days.follow_up_ends_at
            and transitions.to_status in ('sql', 'opportunity', 'customer')
    group by snapshot_days.snapshot_date, transitions.lead_id
),

classified as (
    select
        snapshots.snapshot_date,
        snapshots.model_id,
        snapshots.lead_id,
        snapshots.total_score,
        snapshots.fit_grade,
        snapshots.score_status,
        crm_statuses.crm_status,
        case
            when crm_statuses.crm_status in ('sql', 'opportunity', 'customer') then 'sql_or_beyond'
            when crm_statuses.crm_status = 'disqualified' then 'disqualified_by_sales'
        end as not_at_risk_reason,
        conversions.converted_at
    from snapshots
    left join crm_statuses
        on snapshots.snapshot_date = crm_statuses.snapshot_date
            and snapshots.lead_id = crm_statuses.lead_id
    left join conversions
        on snapshots.snapshot_date = conversions.snapshot_date
            and snapshots.lead_id = conversions.lead_id
),

final as (
    select
        snapshot_date,
        model_id,
        lead_id,
        total_score,
        fit_grade,
        score_status,
        crm_status,
        not_at_risk_reason is null as is_at_risk,
        not_at_risk_reason,
        case when not_at_risk_reason is null then converted_at is not null end as is_converted,
        case when not_at_risk_reason is null then converted_at end as converted_at
    from classified
)

select * from final
