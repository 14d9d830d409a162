-- Leads in = leads out: each surviving lead has exactly one score per active model.
with

expected as (
    select count(*) as expected_rows
    from {{ ref('int_leads_enriched') }}
    cross join {{ ref('scoring_models') }}
    where {{ ref('scoring_models') }}.is_active
),

actual as (
    select count(*) as actual_rows from {{ ref('lead_scores') }}
)

select
    expected.expected_rows,
    actual.actual_rows
from expected
cross join actual
where expected.expected_rows <> actual.actual_rows
