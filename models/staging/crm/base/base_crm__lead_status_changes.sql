-- Every delivered status change, cleaned, with the reason it cannot be used (null when it can).
with

source as (
    select * from {{ source('crm', 'lead_status_changes') }}
),

renamed as (
    select
        nullif(trim(status_change_id), '') as status_change_id,
        nullif(trim(lead_id), '') as lead_id,
        cast(changed_at as timestamp) as changed_at,
        lower(trim(new_status)) as new_status,
        nullif(lower(trim(reason)), '') as reason,
        nullif(trim(owner_id), '') as owner_id
    from source
),

checked as (
    select
        *,
        {{ first_failing_check([
            ["status_change_id is null", "missing_status_change_id"],
            ["lead_id is null", "missing_lead_id"],
            ["new_status is null or new_status not in ('" ~ var('lead_statuses') | join("', '") ~ "')", "unknown_status"],
            ["changed_at is null", "missing_changed_at"],
            ["changed_at >= " ~ score_cutoff(), "changed_after_score_date"],
        ]) }} as row_problem
    from renamed
),

deduplicated as (
    select
        *,
        {{ keep_first_valid(
            key='status_change_id',
            order_by='changed_at, lead_id, new_status',
            duplicate_reason='duplicate_status_change_id',
        ) }} as quarantine_reason
    from checked
),

final as (
    select * from deduplicated
)

select * from final
