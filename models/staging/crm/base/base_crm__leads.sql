-- Every delivered lead row, cleaned, with the reason it cannot be used (null when it can).
with

source as (
    select * from {{ source('crm', 'leads') }}
),

country_aliases as (
    select * from {{ ref('country_aliases') }}
),

renamed as (
    select
        nullif(trim(lead_id), '') as lead_id,
        nullif(trim(crm_record_id), '') as crm_record_id,
        nullif(trim(account_id), '') as account_id,
        nullif(lower(trim(email)), '') as email,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        nullif(trim(phone), '') as phone,
        nullif(trim(job_title), '') as job_title,
        nullif(lower(trim(department)), '') as department,
        nullif(lower(trim(lead_source)), '') as lead_source,
        nullif(trim(country), '') as country_raw,
        nullif(trim(owner_id), '') as owner_id,
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at
    from source
),

normalised as (
    select
        renamed.*,
        country_aliases.country_code,
        lower(trim(renamed.job_title)) as job_title_normalised,
        {{ dbt.split_part('renamed.email', "'@'", 2) }} as email_domain
    from renamed
    left join country_aliases
        on lower(renamed.country_raw) = country_aliases.country_alias
),

checked as (
    select
        *,
        {{ first_failing_check([
            ["lead_id is null", "missing_lead_id"],
            ["email is null", "missing_email"],
            ["not " ~ regexp_like("email", "'" ~ var('email_pattern') ~ "'"), "malformed_email"],
            ["created_at is null", "missing_created_at"],
            ["created_at >= " ~ score_cutoff(), "created_after_score_date"],
        ]) }} as row_problem
    from normalised
),

deduplicated as (
    select
        *,
        {{ keep_first_valid(
            key='lead_id',
            order_by='updated_at desc nulls last, created_at desc nulls last, email, crm_record_id',
            duplicate_reason='duplicate_lead_id',
        ) }} as quarantine_reason
    from checked
),

final as (
    select * from deduplicated
)

select * from final
