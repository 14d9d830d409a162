with

base as (
    select * from {{ ref('base_crm__opportunities') }}
    where quarantine_reason is null
),

final as (
    select
        opportunity_id,
        lead_id,
        account_id,
        created_at,
        stage,
        stage = 'closed_won' as is_won,
        stage <> 'open' as is_closed,
        amount,
        closed_at
    from base
)

select * from final
