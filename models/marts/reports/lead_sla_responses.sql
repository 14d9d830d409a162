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

lead_scores as (
    select * from {{ ref('lead_scores') }}
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

status_entries as (
    -- The one place that says when the SLA clock starts and which status's SLA applies. For now: at
    -- the CRM's first mql change, with the hot SLA when the current score is hot and the MQL SLA for
    -- every other handoff. With lead_threshold_crossings: its (model_id, lead_id, score_status) rows
    -- for mql and hot, entered when first reached.
    select
        lead_scores.model_id,
        handoffs.lead_id,
        case when lead_scores.score_status = 'hot' then 'hot' else 'mql' end as score_status,
        handoffs.handed_over_at as entered_at
    from handoffs
    inner join lead_scores
        on handoffs.lead_id = lead_scores.lead_id
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
        score_thresholds.sla_hours,
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
