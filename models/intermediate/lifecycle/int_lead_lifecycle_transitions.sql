-- Every CRM lifecycle status change of a known lead, attributed to the surviving lead, in order, plus a
-- derived `recycled` transition at each sales rejection and lost deal: the lead goes back to marketing
-- at that moment, so a later CRM row never moves an earlier transition. Changes of unknown leads are
-- left to the quarantine mart.
with

status_changes as (
    select * from {{ ref('stg_crm__lead_status_changes') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

attributed as (
    select
        status_changes.status_change_id,
        leads.canonical_lead_id as lead_id,
        status_changes.lead_id as crm_lead_id,
        status_changes.new_status as to_status,
        status_changes.changed_at as transitioned_at,
        status_changes.reason,
        status_changes.owner_id,
        false as is_derived
    from status_changes
    inner join leads
        on status_changes.lead_id = leads.lead_id
),

recycles as (
    -- Same time, reason and rep as the rejection or loss that caused it.
    select
        status_change_id,
        lead_id,
        crm_lead_id,
        'recycled' as to_status,
        transitioned_at,
        reason,
        owner_id,
        true as is_derived
    from attributed
    where to_status in ('sales_rejected', 'closed_lost')
),

transitions as (
    select * from attributed
    union all
    select * from recycles
),

sequenced as (
    -- A derived recycle sorts right after the change it comes from.
    select
        *,
        -- bigint on every engine (Spark's row_number() is an int).
        cast(row_number() over (
            partition by lead_id order by transitioned_at, status_change_id, is_derived
        ) as bigint) as transition_number
    from transitions
),

with_previous as (
    select
        sequenced.*,
        lag(sequenced.to_status) over (
            partition by sequenced.lead_id order by sequenced.transition_number
        ) as previous_status,
        lag(sequenced.transitioned_at) over (
            partition by sequenced.lead_id order by sequenced.transition_number
        ) as previous_transitioned_at
    from sequenced
),

final as (
    select
        case
            when with_previous.is_derived then {{ dbt.concat(['with_previous.status_change_id', "'-recycled'"]) }}
            else with_previous.status_change_id
        end as transition_id,
        with_previous.lead_id,
        with_previous.transition_number,
        -- Before its first CRM change a lead is a lead: marketing's, scored, not yet handed over.
        coalesce(with_previous.previous_status, 'lead') as from_status,
        with_previous.to_status,
        with_previous.transitioned_at,
        {{ ratio(
            dbt.datediff(
                'coalesce(with_previous.previous_transitioned_at, leads.created_at)', 'with_previous.transitioned_at', 'second'
            ),
            3600,
            2,
        ) }} as hours_in_previous_status,
        with_previous.reason,
        with_previous.owner_id,
        with_previous.status_change_id,
        with_previous.crm_lead_id,
        with_previous.is_derived
    from with_previous
    inner join leads
        on with_previous.lead_id = leads.lead_id
)

select * from final
