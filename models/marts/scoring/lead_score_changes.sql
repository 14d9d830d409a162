{{ config(**incremental_by('as_of_date')) }}
-- One row per day a lead's score, status or fit grade changed under a scoring model, with the rules
-- that moved it (ledger of the day minus ledger of the day before). A lead's first scored day counts
-- as a change from nothing when the lead was created after the history began.
with

score_dates as (
    select * from {{ ref('int_score_dates') }}
),

history as (
    select * from {{ ref('lead_score_history') }}
    -- The days this run scored (a full refresh rebuilt the history to exactly these).
    where
        as_of_date >= (select min(score_dates.as_of_date) from score_dates)
        and as_of_date <= (select max(score_dates.as_of_date) from score_dates)
),

-- Two reads of the ledger, not one CTE read twice, which DuckDB would materialize whole.
day_ledger as (
    select * from {{ ref('int_lead_rule_contributions') }}
    where as_of_date is not null
),

static_ledger as (
    select * from {{ ref('int_lead_rule_contributions') }}
    where as_of_date is null
),

compared as (
    select
        *,
        lag(as_of_date) over (partition by model_id, lead_id order by as_of_date) as previous_as_of_date,
        lag(total_score) over (partition by model_id, lead_id order by as_of_date) as previous_total_score,
        lag(score_status) over (partition by model_id, lead_id order by as_of_date) as previous_score_status,
        lag(fit_grade) over (partition by model_id, lead_id order by as_of_date) as previous_fit_grade,
        min(as_of_date) over () as first_compared_date
    from history
),

changed as (
    select *
    from compared
    where
        as_of_date > first_compared_date
        and (
            previous_as_of_date is null
            or total_score <> previous_total_score
            or score_status <> previous_score_status
            or fit_grade <> previous_fit_grade
        )
),

compared_days as (
    -- Each change reads two days of the day-dependent ledger: the day's counts up, the previous day's down.
    select
        model_id,
        lead_id,
        as_of_date,
        as_of_date as ledger_date,
        1 as direction
    from changed
    union all
    select
        model_id,
        lead_id,
        as_of_date,
        previous_as_of_date as ledger_date,
        -1 as direction
    from changed
    where previous_as_of_date is not null
),

signed_points as (
    select
        compared_days.model_id,
        compared_days.lead_id,
        compared_days.as_of_date,
        day_ledger.rule_id,
        compared_days.direction * day_ledger.points as points
    from compared_days
    inner join day_ledger
        on compared_days.model_id = day_ledger.model_id
            and compared_days.lead_id = day_ledger.lead_id
            and compared_days.ledger_date = day_ledger.as_of_date
),

first_day_static_points as (
    -- A static rule holds on every day of the lead: it moves the score only on the lead's first day.
    select
        changed.model_id,
        changed.lead_id,
        changed.as_of_date,
        static_ledger.rule_id,
        static_ledger.points
    from changed
    inner join static_ledger
        on changed.model_id = static_ledger.model_id
            and changed.lead_id = static_ledger.lead_id
    where changed.previous_as_of_date is null
),

all_points as (
    select * from signed_points
    union all
    select * from first_day_static_points
),

rule_moves as (
    select
        model_id,
        lead_id,
        as_of_date,
        rule_id,
        cast({{ round_number('sum(points)', 0) }} as integer) as points_change
    from all_points
    group by model_id, lead_id, as_of_date, rule_id
),

worded_moves as (
    select
        *,
        {{ dbt.concat([
            'rule_id', "' '", "case when points_change >= 0 then '+' else '' end",
            'cast(points_change as ' ~ dbt.type_string() ~ ')'
        ]) }} as move_text
    from rule_moves
    where points_change <> 0
),

ranked_moves as (
    select
        *,
        row_number() over (
            partition by model_id, lead_id, as_of_date order by abs(points_change) desc, rule_id
        ) as move_rank,
        count(*) over (partition by model_id, lead_id, as_of_date) as moves
    from worded_moves
),

moves_so_far as (
    -- A running list over a window, not an ordered aggregate: DuckDB cannot spill an ordered aggregate
    -- and runs out of memory on a long history; a window sorts, and a sort spills.
    select
        model_id,
        lead_id,
        as_of_date,
        move_rank,
        moves,
        {{ running_list('move_text', "', '", 'model_id, lead_id, as_of_date', 'move_rank') }} as rules_moved
    from ranked_moves
),

moves_by_day as (
    select
        model_id,
        lead_id,
        as_of_date,
        rules_moved
    from moves_so_far
    where move_rank = moves
),

final as (
    select
        changed.as_of_date,
        changed.model_id,
        changed.lead_id,
        changed.previous_total_score,
        changed.total_score,
        changed.total_score - coalesce(changed.previous_total_score, 0) as score_change,
        changed.previous_score_status,
        changed.score_status,
        changed.previous_score_status is null
        or changed.score_status <> changed.previous_score_status as is_status_change,
        changed.previous_fit_grade,
        changed.fit_grade,
        moves_by_day.rules_moved
    from changed
    left join moves_by_day
        on changed.model_id = moves_by_day.model_id
            and changed.lead_id = moves_by_day.lead_id
            and changed.as_of_date = moves_by_day.as_of_date
)

select * from final
