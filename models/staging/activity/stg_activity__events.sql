with

base as (
    select * from {{ ref('base_activity__events') }}
    where quarantine_reason is null
),

final as (
    select
        event_id,
        lead_id,
        event_type,
        occurred_at,
        cast(occurred_at as date) as occurred_date,
        url,
        form_name,
        campaign_id,
        user_agent,
        is_bot
    from base
)

select * from final
