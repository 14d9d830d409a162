-- Every delivered account row, cleaned, with the reason it cannot be used (null when it can).
with

source as (
    select * from {{ source('crm', 'accounts') }}
),

country_aliases as (
    select * from {{ ref('country_aliases') }}
),

renamed as (
    select
        nullif(trim(account_id), '') as account_id,
        nullif(trim(account_name), '') as account_name,
        nullif(
            replace(replace(replace(lower(trim(domain)), 'https://', ''), 'http://', ''), 'www.', ''), ''
        ) as domain,
        nullif(trim(industry), '') as industry,
        cast(employee_count as bigint) as employee_count_raw,
        cast(annual_revenue as {{ type_double() }}) as annual_revenue,
        nullif(trim(country), '') as country_raw,
        cast(created_at as timestamp) as created_at
    from source
),

normalised as (
    select
        renamed.*,
        country_aliases.country_code,
        case
            when renamed.employee_count_raw between 1 and {{ var('max_plausible_employees') }}
                then renamed.employee_count_raw
        end as employee_count
    from renamed
    left join country_aliases
        on lower(renamed.country_raw) = country_aliases.country_alias
),

checked as (
    select
        *,
        {{ first_failing_check([
            ["account_id is null", "missing_account_id"],
            ["created_at is null", "missing_created_at"],
            ["created_at >= " ~ score_cutoff(), "created_after_score_date"],
        ]) }} as row_problem
    from normalised
),

deduplicated as (
    select
        *,
        {{ keep_first_valid(
            key='account_id',
            order_by='created_at desc nulls last, account_name, domain',
            duplicate_reason='duplicate_account_id',
        ) }} as quarantine_reason
    from checked
),

final as (
    select * from deduplicated
)

select * from final
