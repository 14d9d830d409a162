-- Every delivered sales touch, cleaned, with the reason it cannot be used (null when it can).
with

source as (
    select * from {{ source('crm', 'sales_activities') }}
),

renamed as (
    select
        nullif(trim(sales_activity_id), '') as sales_activity_id,
        nullif(trim(lead_id), '') as lead_id,
        nullif(trim(owner_id), '') as owner_id,
        lower(trim(activity_type)) as activity_type,
        cast(occurred_at as timestamp) as occurred_at
    from source
),

checked as (
    select
        *,
        {{ first_failing_check([
            ["sales_activity_id is null", "missing_sales_activity_id"],
            ["lead_id is null", "missing_lead_id"],
            ["activity_type is null or activity_type not in ('call', 'email', 'meeting')", "unknown_activity_type"],
            ["occurred_at is null", "missing_occurred_at"],
            ["occurred_at >= " ~ score_cutoff(), "occurred_after_score_date"],
        ]) }} as row_problem
    from renamed
),

deduplicated as (
    select
        *,
        {{ keep_first_valid(
            key='sales_activity_id',
            order_by='occurred_at, lead_id',
            duplicate_reason='duplicate_sales_activity_id',
        ) }} as quarantine_reason
    from checked
),

final as (
    select * from deduplicated
)

select * from final
