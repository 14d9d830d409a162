with

base as (
    select * from {{ ref('base_crm__owners') }}
    where quarantine_reason is null
),

final as (
    select
        owner_id,
        owner_name,
        team
    from base
)

select * from final
