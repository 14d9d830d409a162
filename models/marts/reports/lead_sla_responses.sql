-- How fast sales touched each lead handed to it, against the SLA of the lead's status in each model.
with

transitions as (
    select * from {{ ref('int_lead_lifecycle_transitions') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

sales_activities as (
    select * from {{ ref('stg_crm__sales_activities') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
    where is_active
),

crossings as (
    select * from {{ ref('lead_threshold_crossings') }}
),

history as (
    select * from {{ ref('lead_score_history') }}
),

score_thresholds as (
    select * from {{ ref('score_thresholds') }}
),

handoffs as (
    select
        lead_id,
        min(transitioned_at) as handed_over_at
    from transitions
    where to_status = 'mql'
    group by lead_id
),

history_start as (
    select min(as_of_date) as first_history_date
    from history
),

status_entries as (
    -- The one place that says when each SLA clock starts.
    -- mql: at the CRM handoff (the lead's first mql change), under every active model: sales is handed
    -- the lead by the CRM, so that is when it owes the MQL SLA.
    select
        scoring_models.model_id,
        handoffs.lead_id,
        'mql' as score_status,
        handoffs.handed_over_at as entered_at
    from handoffs
    cross join scoring_models
    union all
    -- hot: at the end of the day leadscore's history first shows the lead hot (the daily run publishes
    -- a day once it has closed). A crossing on the history's first day is left out: the lead may have
    -- been hot long before, so its clock cannot be timed.
    select
        crossings.model_id,
        crossings.lead_id,
        crossings.score_status,
        cast({{ dbt.dateadd('day', 1, 'crossings.first_reached_date') }} as timestamp) as entered_at
    from crossings
    cross join history_start
    where
        crossings.score_status = 'hot'
        and crossings.first_reached_date > history_start.first_history_date
),

touches as (
    select
        leads.canonical_lead_id as lead_id,
        sales_activities.occurred_at
    from sales_activities
    inner join leads
        on sales_activities.lead_id = leads.lead_id
),

first_touches as (
    -- Only a touch at or after the status was entered answers it (earlier outbound touches do not).
    select
        status_entries.model_id,
        status_entries.lead_id,
        status_entries.score_status,
        min(touches.occurred_at) as first_touch_at
    from status_entries
    inner join touches
        on status_entries.lead_id = touches.lead_id
            and status_entries.entered_at <= touches.occurred_at
    group by status_entries.model_id, status_entries.lead_id, status_entries.score_status
),

measured as (
    select
        status_entries.model_id,
        status_entries.lead_id,
        status_entries.score_status,
        status_entries.entered_at,
        leads.owner_id,
        -- The seed column is inferred per engine (bigint on Spark); the contract says integer.
        cast(score_thresholds.sla_hours as integer) as sla_hours,
        {{ dbt.dateadd('hour', 'score_thresholds.sla_hours', 'status_entries.entered_at') }} as sla_due_at,
        first_touches.first_touch_at
    from status_entries
    inner join leads
        on status_entries.lead_id = leads.lead_id
    left join score_thresholds
        on status_entries.model_id = score_thresholds.model_id
            and status_entries.score_status = score_thresholds.score_status
    left join first_touches
        on status_entries.model_id = first_touches.model_id
            and status_entries.lead_id = first_touches.lead_id
            and status_entries.score_status = first_touches.score_status
),

final as (
    select
        model_id,
        lead_id,
        score_status,
        entered_at,
        cast({{ dbt.date_trunc('week', 'entered_at') }} as date) as entered_week,
        owner_id,
        sla_hours,
        sla_due_at,
        first_touch_at,
        {{ ratio(dbt.datediff('entered_at', 'first_touch_at', 'second'), 3600, 2) }}
            as hours_to_first_touch,
        -- A touch exactly at the deadline is within it; an untouched lead is breached once its deadline has
        -- passed before the end of the score date (a touch on time would be visible), pending until then.
        case
            when sla_hours is null then 'no_sla'
            when first_touch_at <= sla_due_at then 'within'
            when first_touch_at is not null or sla_due_at < {{ score_cutoff() }} then 'breached'
            else 'pending'
        end as sla_outcome
    from measured
)

select * from final
