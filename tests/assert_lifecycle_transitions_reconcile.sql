-- Every staged status change of a known lead is exactly one written transition, every rejection or
-- lost deal exactly one derived recycle, and no transition comes from anywhere else.
with

staged_changes as (
    select status_changes.*
    from {{ ref('stg_crm__lead_status_changes') }} as status_changes
    inner join {{ ref('stg_crm__leads') }} as leads
        on status_changes.lead_id = leads.lead_id
),

expected as (
    select
        status_change_id,
        false as is_derived
    from staged_changes
    union all
    select
        status_change_id,
        true as is_derived
    from staged_changes
    where new_status in ('sales_rejected', 'closed_lost')
),

actual as (
    select
        status_change_id,
        is_derived,
        count(*) as transitions
    from {{ ref('lead_lifecycle_transitions') }}
    group by status_change_id, is_derived
),

problems as (
    select
        coalesce(expected.status_change_id, actual.status_change_id) as status_change_id,
        coalesce(expected.is_derived, actual.is_derived) as is_derived,
        coalesce(actual.transitions, 0) as transitions,
        expected.status_change_id is not null as is_expected
    from expected
    full outer join actual
        on expected.status_change_id = actual.status_change_id
            and expected.is_derived = actual.is_derived
    where
        expected.status_change_id is null
        or actual.status_change_id is null
        or actual.transitions <> 1
)

select * from problems
