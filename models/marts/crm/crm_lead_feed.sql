-- The reverse-ETL feed: one row per CRM record whose properties the CRM does not hold yet, in CRM property
-- names, read as is by `leadscore sync` or a Census/Hightouch-style tool. A view over crm_lead_properties,
-- so a record leaves it as soon as the sync records that the CRM acknowledged it.
with

lead_properties as (
    select * from {{ ref('crm_lead_properties') }}
),

final as (
    select
        crm_record_id,
        leadscore_score,
        leadscore_grade,
        leadscore_status,
        leadscore_engagement,
        leadscore_fit,
        leadscore_top_reasons,
        leadscore_as_of_date,
        properties_hash,
        lead_id
    from lead_properties
    where feed_status = 'pending'
)

select * from final
