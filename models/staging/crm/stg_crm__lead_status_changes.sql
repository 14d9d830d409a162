with

base as (
    select * from {{ ref('base_crm__lead_status_changes') }}
    where quarantine_reason is null
),

final as (
    select
        status_change_id,
        lead_id,
        changed_at,
        new_status,
        reason,
        owner_id
    from base
)

select * from final
