-- lead_rule_snapshots is the ledger behind lead_score_snapshots: every snapshot's subscores are the capped,
-- rounded sums of its rule rows, and every rule row belongs to a scored lead-snapshot. Both marts are
-- replaced by whole snapshot days, so lead by lead only the days this run wrote (int_score_dates) are
-- compared: a kept day was checked by the run that wrote it. A snapshot day with points but no rule rows at
-- all (lead_rule_snapshots was added to a warehouse whose snapshots already existed: run
-- `dbt build --full-refresh`) is looked for on every day, with one of its leads.
with

rule_sums as (
    select
        snapshot_date,
        model_id,
        lead_id,
        sum(case when component = 'behavioral' then points else 0 end) as behavioral_points,
        sum(case when component = 'firmographic' then points else 0 end) as firmographic_points,
        sum(case when component = 'negative' then points else 0 end) as negative_points
    from {{ ref('lead_rule_snapshots') }}
    where {{ in_days_written('snapshot_date') }}
    group by snapshot_date, model_id, lead_id
),

snapshots as (
    select * from {{ ref('lead_score_snapshots') }}
    where {{ in_days_written('snapshot_date') }}
),

caps as (
    select * from {{ ref('scoring_models') }}
),

mismatched_scores as (
    select
        snapshots.snapshot_date,
        snapshots.model_id,
        snapshots.lead_id,
        'subscores differ from the rule rows' as problem
    from snapshots
    inner join caps
        on snapshots.model_id = caps.model_id
    left join rule_sums
        on snapshots.snapshot_date = rule_sums.snapshot_date
            and snapshots.model_id = rule_sums.model_id
            and snapshots.lead_id = rule_sums.lead_id
    where
        snapshots.behavioral_points
        <> {{ round_number('least(coalesce(rule_sums.behavioral_points, 0), caps.behavioral_cap)', 0) }}
        or snapshots.firmographic_points
        <> {{ round_number('least(coalesce(rule_sums.firmographic_points, 0), caps.firmographic_cap)', 0) }}
        or snapshots.negative_points
        <> {{ round_number('greatest(coalesce(rule_sums.negative_points, 0), caps.negative_floor)', 0) }}
),

orphan_rules as (
    select
        rule_sums.snapshot_date,
        rule_sums.model_id,
        rule_sums.lead_id,
        'rule rows without a score snapshot' as problem
    from rule_sums
    left join snapshots
        on rule_sums.snapshot_date = snapshots.snapshot_date
            and rule_sums.model_id = snapshots.model_id
            and rule_sums.lead_id = snapshots.lead_id
    where snapshots.lead_id is null
),

ledger_days as (
    select distinct
        snapshot_date,
        model_id
    from {{ ref('lead_rule_snapshots') }}
),

unledgered_days as (
    select
        scored.snapshot_date,
        scored.model_id,
        min(scored.lead_id) as lead_id,
        'snapshot day without rule rows' as problem
    from {{ ref('lead_score_snapshots') }} as scored
    left join ledger_days
        on scored.snapshot_date = ledger_days.snapshot_date
            and scored.model_id = ledger_days.model_id
    where
        ledger_days.snapshot_date is null
        and (scored.behavioral_points <> 0 or scored.firmographic_points <> 0 or scored.negative_points <> 0)
    group by scored.snapshot_date, scored.model_id
)

select * from mismatched_scores
union all
select * from orphan_rules
union all
select * from unledgered_days
