-- One row per lead and scored day (int_score_dates) from the day it was created: the population scored
-- that day, with its latest activity as of the end of the day. Sends and bounces are done to a lead,
-- not by it, so they are not activity.
with

leads as (
    select * from {{ ref('int_leads_enriched') }}
),

lead_events as (
    select * from {{ ref('int_lead_events') }}
),

days as (
    select * from {{ ref('int_score_dates') }}
),

lead_days as (
    select
        leads.lead_id,
        leads.created_at,
        days.as_of_date,
        days.is_history_day,
        days.is_anchor,
        days.is_snapshot_day
    from leads
    inner join days
        on leads.created_at < days.visible_before
),

first_scored_day as (
    select min(as_of_date) as first_day from days
),

active_days as (
    -- Days before the first scored day count only through their latest activity, so they share one row
    -- per lead (dated the first scored day, sorting before its score): a daily run sorts recent days only.
    select
        lead_events.lead_id,
        greatest(lead_events.occurred_date, first_scored_day.first_day) as occurred_date,
        max(lead_events.occurred_at) as last_activity_at
    from lead_events
    cross join first_scored_day
    where lead_events.event_type not in ('email_sent', 'email_bounce')
    group by lead_events.lead_id, greatest(lead_events.occurred_date, first_scored_day.first_day)
),

timeline as (
    -- Active days and scored days in one sequence per lead; a day's activity sorts before its score.
    -- Scored days carry their columns through, so no join back to lead_days is needed.
    select
        lead_id,
        occurred_date as day_date,
        0 as is_scored_day,
        last_activity_at,
        cast(null as timestamp) as created_at,
        cast(null as boolean) as is_history_day,
        cast(null as boolean) as is_anchor,
        cast(null as boolean) as is_snapshot_day
    from active_days
    union all
    select
        lead_id,
        as_of_date as day_date,
        1 as is_scored_day,
        cast(null as timestamp) as last_activity_at,
        created_at,
        is_history_day,
        is_anchor,
        is_snapshot_day
    from lead_days
),

running as (
    select
        *,
        max(last_activity_at) over (
            partition by lead_id order by day_date, is_scored_day rows between unbounded preceding and current row
        ) as last_activity_until
    from timeline
),

with_recency as (
    select
        lead_id,
        day_date as as_of_date,
        is_history_day,
        is_anchor,
        is_snapshot_day,
        last_activity_until as last_activity_at,
        {{ dbt.datediff(
            'cast(coalesce(last_activity_until, created_at) as date)', 'day_date', 'day'
        ) }} as days_since_last_activity
    from running
    where is_scored_day = 1
),

final as (
    select * from with_recency
)

select * from final
