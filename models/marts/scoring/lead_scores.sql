-- One row per lead and active scoring model as of the score date: the day's row of the score history
-- (status with hysteresis) with the lead's CRM keys, activity recency and top three reasons.
with

leads as (
    select * from {{ ref('int_leads_enriched') }}
),

lead_days as (
    select * from {{ ref('int_lead_days') }}
    where as_of_date = {{ score_date() }}
),

history as (
    select * from {{ ref('lead_score_history') }}
    where as_of_date = {{ score_date() }}
),

top_three_reasons as (
    -- The explanations mart ranks the day's reasons already; ranking them again would sort every reason row.
    select
        model_id,
        lead_id,
        reason_rank,
        reason_text,
        points as reason_points
    from {{ ref('lead_score_explanations') }}
    where reason_rank <= 3
),

top_reasons as (
    select
        model_id,
        lead_id,
        max(case when reason_rank = 1 then reason_text end) as top_reason_1,
        max(case when reason_rank = 1 then reason_points end) as top_reason_1_points,
        max(case when reason_rank = 2 then reason_text end) as top_reason_2,
        max(case when reason_rank = 2 then reason_points end) as top_reason_2_points,
        max(case when reason_rank = 3 then reason_text end) as top_reason_3,
        max(case when reason_rank = 3 then reason_points end) as top_reason_3_points
    from top_three_reasons
    group by model_id, lead_id
),

final as (
    select
        history.lead_id,
        history.model_id,
        history.as_of_date as score_date,
        leads.crm_record_id,
        leads.account_id,
        history.behavioral_points,
        history.firmographic_points,
        history.negative_points,
        history.total_score,
        history.fit_grade,
        history.engagement_tier,
        history.score_label,
        history.threshold_status,
        history.score_status,
        history.is_disqualified,
        history.rules_fired,
        top_reasons.top_reason_1,
        top_reasons.top_reason_1_points,
        top_reasons.top_reason_2,
        top_reasons.top_reason_2_points,
        top_reasons.top_reason_3,
        top_reasons.top_reason_3_points,
        lead_days.last_activity_at,
        cast(lead_days.days_since_last_activity as integer) as days_since_last_activity
    from history
    inner join leads
        on history.lead_id = leads.lead_id
    inner join lead_days
        on history.lead_id = lead_days.lead_id
    left join top_reasons
        on history.model_id = top_reasons.model_id
            and history.lead_id = top_reasons.lead_id
)

select * from final
