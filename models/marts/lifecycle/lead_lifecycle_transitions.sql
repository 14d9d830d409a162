with

transitions as (
    select * from {{ ref('int_lead_lifecycle_transitions') }}
),

final as (
    select
        transition_id,
        lead_id,
        transition_number,
        from_status,
        to_status,
        transitioned_at,
        hours_in_previous_status,
        reason,
        owner_id,
        status_change_id,
        crm_lead_id,
        is_derived
    from transitions
)

select * from final
