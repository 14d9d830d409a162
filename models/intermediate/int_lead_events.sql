{{ config(materialized='view') }}  {#- a table would rewrite every event each daily run #}
-- Scoreable events: human (not bot) activity visible on the score date, attributed to the surviving lead
-- when duplicates were merged. Events of unknown leads are left to the quarantine mart.
with

events as (
    select * from {{ ref('stg_activity__events') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

attributed as (
    select
        events.event_id,
        leads.canonical_lead_id as lead_id,
        events.event_type,
        events.occurred_at,
        events.occurred_date,
        events.url,
        events.form_name,
        events.campaign_id
    from events
    inner join leads
        on events.lead_id = leads.lead_id
    where not events.is_bot
),

final as (
    select * from attributed
)

select * from final
