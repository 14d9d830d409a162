with

base as (
    select * from {{ ref('base_crm__sales_activities') }}
    where quarantine_reason is null
),

final as (
    select
        sales_activity_id,
        lead_id,
        owner_id,
        activity_type,
        occurred_at
    from base
)

select * from final
