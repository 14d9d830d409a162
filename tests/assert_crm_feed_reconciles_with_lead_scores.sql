-- Leads in = leads out for the CRM: every lead scored by the CRM's model is in crm_lead_properties once,
-- each with one feed status, and the feed holds exactly the pending ones.
with

scored as (
    select count(*) as lead_rows
    from {{ ref('lead_scores') }}
    where model_id = {{ active_model_var('crm_sync_model') }}
),

lead_properties as (
    select
        count(*) as lead_rows,
        sum(case when feed_status = 'pending' then 1 else 0 end) as pending_rows,
        sum(case when feed_status = 'in_sync' then 1 else 0 end) as in_sync_rows,
        sum(case when feed_status = 'no_crm_record_id' then 1 else 0 end) as no_crm_record_id_rows,
        sum(case when feed_status = 'duplicate_crm_record_id' then 1 else 0 end) as duplicate_crm_record_id_rows
    from {{ ref('crm_lead_properties') }}
),

feed as (
    select count(*) as feed_rows from {{ ref('crm_lead_feed') }}
),

final as (
    select
        scored.lead_rows as scored_leads,
        lead_properties.lead_rows as property_rows,
        lead_properties.pending_rows,
        lead_properties.in_sync_rows,
        lead_properties.no_crm_record_id_rows,
        lead_properties.duplicate_crm_record_id_rows,
        feed.feed_rows
    from scored
    cross join lead_properties
    cross join feed
)

select * from final
where
    scored_leads <> property_rows
    or property_rows
    <> pending_rows + in_sync_rows + no_crm_record_id_rows + duplicate_crm_record_id_rows
    or feed_rows <> pending_rows
