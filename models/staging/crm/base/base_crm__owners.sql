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
        {{ quarantine_reason(
            checks=[
                ["owner_id is null", "missing_owner_id"],
            ],
            key='owner_id',
            order_by='owner_name, team',
            duplicate_reason='duplicate_owner_id',
        ) }} as quarantine_reason
    from renamed
),

final as (
    select * from checked
)

select * from final
