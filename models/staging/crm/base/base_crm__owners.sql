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

ranked as (
    select
        *,
        row_number() over (partition by owner_id order by owner_name, team) as delivery_rank
    from renamed
),

checked as (
    select
        *,
        {{ first_failing_check([
            ["owner_id is null", "missing_owner_id"],
            ["delivery_rank > 1", "duplicate_owner_id"],
        ]) }} as quarantine_reason
    from ranked
),

final as (
    select * from checked
)

select * from final
