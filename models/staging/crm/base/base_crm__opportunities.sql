-- Every delivered opportunity, cleaned and seen as of the score date, with the reason it cannot be used.
with

source as (
    select * from {{ source('crm', 'opportunities') }}
),

renamed as (
    select
        nullif(trim(opportunity_id), '') as opportunity_id,
        nullif(trim(lead_id), '') as lead_id,
        nullif(trim(account_id), '') as account_id,
        cast(created_at as timestamp) as created_at,
        lower(trim(stage)) as stage_raw,
        cast(amount as {{ type_double() }}) as amount,
        cast(closed_at as timestamp) as closed_at_raw
    from source
),

as_of_score_date as (
    -- An opportunity closed after the score date was still open on it.
    select
        *,
        case when closed_at_raw < {{ score_cutoff() }} then closed_at_raw end as closed_at,
        case when closed_at_raw >= {{ score_cutoff() }} then 'open' else stage_raw end as stage
    from renamed
),

checked as (
    select
        *,
        {{ first_failing_check([
            ["opportunity_id is null", "missing_opportunity_id"],
            ["lead_id is null", "missing_lead_id"],
            ["stage is null or stage not in ('open', 'closed_won', 'closed_lost')", "unknown_stage"],
            ["amount < 0", "negative_amount"],
            ["closed_at < created_at", "closed_before_created"],
            ["created_at is null", "missing_created_at"],
            ["created_at >= " ~ score_cutoff(), "created_after_score_date"],
        ]) }} as row_problem
    from as_of_score_date
),

deduplicated as (
    select
        *,
        {{ keep_first_valid(
            key='opportunity_id',
            order_by='created_at, lead_id',
            duplicate_reason='duplicate_opportunity_id',
        ) }} as quarantine_reason
    from checked
),

final as (
    select * from deduplicated
)

select * from final
