with

base as (
    select * from {{ ref('base_crm__accounts') }}
    where quarantine_reason is null
),

final as (
    select
        account_id,
        account_name,
        domain,
        industry,
        employee_count,
        employee_count is null and employee_count_raw is not null as has_implausible_employee_count,
        annual_revenue,
        country_raw,
        country_code,
        created_at
    from base
)

select * from final
