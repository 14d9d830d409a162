{#- A table, unlike the other staging models: some thirty models and tests read it (int_lead_events joins every
    event to it), and as a view each read re-ran both windows (the lead_id dedup in base_crm__leads and the e-mail
    merge), about 0.6 s each at 1M leads. -#}
{{ config(materialized='table', post_hook="{{ analyze_table() }}") }}
with

base as (
    select * from {{ ref('base_crm__leads') }}
    where quarantine_reason is null
),

merged as (
    -- The same person entered twice (e-mail equal after trim and lower-case): the first-created lead survives.
    select
        *,
        first_value(lead_id) over (
            partition by email order by created_at, lead_id
            rows between unbounded preceding and unbounded following
        ) as canonical_lead_id
    from base
),

final as (
    select
        lead_id,
        canonical_lead_id,
        lead_id <> canonical_lead_id as is_merged_duplicate,
        crm_record_id,
        account_id,
        email,
        email_domain,
        first_name,
        last_name,
        phone,
        job_title,
        job_title_normalised,
        department,
        lead_source,
        country_raw,
        country_code,
        owner_id,
        created_at,
        updated_at
    from merged
)

select * from final
