-- Every delivered sales rep row, cleaned, with the reason it cannot be used (null when it can).
with

source as (
    select * from {{ source('crm', 'owners') }}
),

renamed as (
    select
        nullif(trim(owner_id), '') as owner_id,
        nullif(trim(owner_name), '') as owner_name,
        nullif(trim(team), '') as team
    from source
),

checked as (
    select
        *,
        {{ first_failing_check([
            ["owner_id is null", "missing_owner_id"],
        ]) }} as row_problem
    from renamed
),

deduplicated as (
    select
        *,
        {{ keep_first_valid(
            key='owner_id',
            order_by='owner_name, team',
            duplicate_reason='duplicate_owner_id',
        ) }} as quarantine_reason
    from checked
),

final as (
    select * from deduplicated
)

select * from final
