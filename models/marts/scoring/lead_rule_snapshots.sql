{{ config(
    post_hook="{{ delete_snapshots_before(this, calibration_snapshot_dates() | min) }}",
    **incremental_by('snapshot_date')
) }}
-- One row per calibration snapshot day, scoring model, lead and rule that fired that day: the ledger
-- rows behind lead_score_snapshots, so rule_effectiveness can ask which rules fired before a lead
-- converted. Built like lead_score_snapshots: each snapshot day once, all of them on a full refresh,
-- month starts out of the window deleted.
with

contributions as (
    select * from {{ ref('int_lead_rule_contributions') }}
),

score_dates as (
    select * from {{ ref('int_score_dates') }}
    where is_snapshot_day
),

lead_days as (
    select * from {{ ref('int_lead_days') }}
    where is_snapshot_day
),

snapshot_contributions as (
    -- The snapshot day's rows, and the static rows (as_of_date null) on every snapshot day the lead exists.
    -- Two branches: one join on lead and "day or null" would pair every ledger day with every snapshot day.
    select
        score_dates.as_of_date,
        contributions.model_id,
        contributions.lead_id,
        contributions.rule_id,
        contributions.component,
        contributions.occurrences,
        contributions.points,
        contributions.is_disqualifier
    from contributions
    inner join score_dates
        on contributions.as_of_date = score_dates.as_of_date
    union all
    select
        lead_days.as_of_date,
        contributions.model_id,
        contributions.lead_id,
        contributions.rule_id,
        contributions.component,
        contributions.occurrences,
        contributions.points,
        contributions.is_disqualifier
    from contributions
    inner join lead_days
        on contributions.lead_id = lead_days.lead_id
    where contributions.as_of_date is null
),

final as (
    select
        as_of_date as snapshot_date,
        model_id,
        lead_id,
        rule_id,
        component,
        cast(occurrences as integer) as occurrences,
        cast(points as {{ type_double() }}) as points,
        is_disqualifier
    from snapshot_contributions
)

select * from final
