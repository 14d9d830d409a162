-- Every delivered event row, cleaned and bot-flagged, with the reason it cannot be used (null when it can).
-- A table, not a view: staging, quarantine and reconciliation all read it, and events are the big table.
{{ config(materialized='table') }}
with

source as (
    select * from {{ source('activity', 'events') }}
),

renamed as (
    select
        nullif(trim(event_id), '') as event_id,
        nullif(trim(lead_id), '') as lead_id,
        lower(trim(event_type)) as event_type,
        cast(occurred_at as timestamp) as occurred_at,
        nullif(lower(trim(url)), '') as url,
        nullif(lower(trim(form_name)), '') as form_name,
        nullif(trim(campaign_id), '') as campaign_id,
        nullif(trim(user_agent), '') as user_agent
    from source
),

with_campaign_send as (
    select
        *,
        min(case when event_type = 'email_sent' then occurred_at end) over (
            partition by lead_id, campaign_id
        ) as campaign_sent_at
    from renamed
),

bot_flagged as (
    select
        *,
        -- A case, not an and: the regex then runs on e-mail opens and clicks only.
        case
            when event_type not in ('email_open', 'email_click') then false
            when {{ dbt.datediff('campaign_sent_at', 'occurred_at', 'second') }}
                between 0 and {{ var('bot_click_seconds') }} then true
            else coalesce({{ regexp_like("lower(user_agent)", "'" ~ var('bot_user_agent_pattern') ~ "'") }}, false)
        end as is_bot
    from with_campaign_send
),

checked as (
    select
        *,
        {{ first_failing_check([
            ["event_id is null", "missing_event_id"],
            ["lead_id is null", "missing_lead_id"],
            ["event_type is null or event_type not in ('" ~ var('event_types') | join("', '") ~ "')", "unknown_event_type"],
            ["occurred_at is null", "missing_occurred_at"],
            ["occurred_at >= " ~ score_cutoff(), "occurred_after_score_date"],
        ]) }} as row_problem
    from bot_flagged
),

deduplicated as (
    select
        *,
        {{ keep_first_valid(
            key='event_id',
            order_by='occurred_at, lead_id, event_type',
            duplicate_reason='duplicate_event_id',
        ) }} as quarantine_reason
    from checked
),

final as (
    select * from deduplicated
)

select * from final
