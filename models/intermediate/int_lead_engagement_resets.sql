{%- set statuses = var('engagement_reset_statuses') -%}
{%- set reset_statuses = "'" ~ statuses | join("', '") ~ "'" if statuses else 'null' %}
-- One row per moment a lead's engagement restarts: sales rejected it, lost it, or recycled it to
-- nurture (var engagement_reset_statuses). Behavioural points earned before a reset no longer count,
-- so a recycled lead is scored on what it does next. Changes of unknown leads are quarantined.
with

status_changes as (
    select * from {{ ref('stg_crm__lead_status_changes') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

resets as (
    select
        status_changes.status_change_id,
        leads.canonical_lead_id as lead_id,
        status_changes.changed_at as reset_at,
        status_changes.new_status as reset_status
    from status_changes
    inner join leads
        on status_changes.lead_id = leads.lead_id
    where status_changes.new_status in ({{ reset_statuses }})
),

final as (
    select * from resets
)

select * from final
