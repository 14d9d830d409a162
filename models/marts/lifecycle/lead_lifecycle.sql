-- One current status per lead and scoring model. Precedence: disqualified by the score, then the
-- CRM's latest status when it is a decision sales owns (disqualified or an active sales stage), else
-- the score status (no CRM history, only the legacy MQL, or recycled back to marketing).
with

scores as (
    select * from {{ ref('lead_scores') }}
),

transitions as (
    select * from {{ ref('int_lead_lifecycle_transitions') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

latest_numbers as (
    select
        lead_id,
        max(transition_number) as transition_number
    from transitions
    group by lead_id
),

latest_transitions as (
    select transitions.*
    from transitions
    inner join latest_numbers
        on transitions.lead_id = latest_numbers.lead_id
            and transitions.transition_number = latest_numbers.transition_number
),

recycles as (
    -- Moments the lead went back to marketing (a CRM recycle of a lead already back is no new one).
    select * from transitions
    where to_status = 'recycled' and from_status <> 'recycled'
),

recycle_counts as (
    select
        lead_id,
        count(*) as times_recycled,
        max(transition_number) as transition_number
    from recycles
    group by lead_id
),

last_recycles as (
    select
        recycle_counts.lead_id,
        recycle_counts.times_recycled,
        recycles.transitioned_at as last_recycled_at,
        recycles.from_status as last_recycled_from,
        recycles.reason as last_recycle_reason
    from recycle_counts
    inner join recycles
        on recycle_counts.lead_id = recycles.lead_id
            and recycle_counts.transition_number = recycles.transition_number
),

decided as (
    select
        scores.lead_id,
        scores.model_id,
        scores.score_date,
        scores.score_status,
        scores.total_score,
        scores.fit_grade,
        latest_transitions.to_status as crm_status,
        latest_transitions.transitioned_at as crm_status_at,
        latest_transitions.reason as crm_status_reason,
        case
            when scores.score_status = 'disqualified' then 'score'
            when latest_transitions.to_status in ('disqualified', 'sales_accepted', 'sql', 'opportunity', 'customer')
                then 'crm'
            else 'score'
        end as decided_by
    from scores
    left join latest_transitions
        on scores.lead_id = latest_transitions.lead_id
),

final as (
    select
        decided.lead_id,
        decided.model_id,
        decided.score_date,
        case when decided.decided_by = 'crm' then decided.crm_status else decided.score_status end as lifecycle_status,
        decided.decided_by,
        decided.score_status,
        decided.total_score,
        decided.fit_grade,
        decided.crm_status,
        decided.crm_status_at,
        decided.crm_status_reason,
        cast(coalesce(last_recycles.times_recycled, 0) as integer) as times_recycled,
        last_recycles.last_recycled_at,
        last_recycles.last_recycled_from,
        last_recycles.last_recycle_reason,
        leads.owner_id
    from decided
    inner join leads
        on decided.lead_id = leads.lead_id
    left join last_recycles
        on decided.lead_id = last_recycles.lead_id
)

select * from final
