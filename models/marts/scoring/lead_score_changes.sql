{{ config(**by_scored_day_chunks('as_of_date')) }}
-- One row per day a lead's score, status or fit grade changed under a scoring model, with the rules
-- that moved it (ledger of the day minus ledger of the day before). A lead's first scored day counts
-- as a change from nothing when the lead was created after the history began.
-- Each day is compared by joins on the day before, not a window over the lead's days, so that a filter on
-- as_of_date (a chunk of days, by_day_chunks) reaches every input. A lead's history days are contiguous
-- (int_lead_days), so a day without a day before is the lead's first.
with

score_dates as (
    select * from {{ ref('int_score_dates') }}
),

history as (
    select
        model_id,
        lead_id,
        as_of_date,
        total_score,
        score_status,
        fit_grade
    from {{ ref('lead_score_history') }}
    -- The days this run scored (a full refresh rebuilt the history to exactly these), after the first day
    -- of the whole history, which has nothing to compare against.
    where
        as_of_date > (select min(score_dates.as_of_date) from score_dates)
        and as_of_date <= (select max(score_dates.as_of_date) from score_dates)
        and as_of_date > (select min(first_history.as_of_date) from {{ ref('lead_score_history') }} as first_history)
),

previous_history as (
    -- Each stored day this run compares against, dated the day it precedes.
    select
        model_id,
        lead_id,
        cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as date) as as_of_date,
        as_of_date as previous_as_of_date,
        total_score as previous_total_score,
        score_status as previous_score_status,
        fit_grade as previous_fit_grade
    from {{ ref('lead_score_history') }}
    where
        as_of_date >= (select min(score_dates.as_of_date) from score_dates)
        and as_of_date < (select max(score_dates.as_of_date) from score_dates)
),

-- The ledger read apart for each use, not as one CTE read three times, which DuckDB would materialize whole.
day_ledger as (
    select * from {{ ref('int_lead_rule_contributions') }}
    where as_of_date is not null
),

previous_day_ledger as (
    -- Each day's ledger, dated the day it precedes.
    select
        model_id,
        lead_id,
        cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as date) as as_of_date,
        rule_id,
        points
    from {{ ref('int_lead_rule_contributions') }}
    where as_of_date is not null
),

static_ledger as (
    select * from {{ ref('int_lead_rule_contributions') }}
    where as_of_date is null
),

changed as (
    select
        history.*,
        previous_history.previous_as_of_date,
        previous_history.previous_total_score,
        previous_history.previous_score_status,
        previous_history.previous_fit_grade
    from history
    left join previous_history
        on history.model_id = previous_history.model_id
            and history.lead_id = previous_history.lead_id
            and history.as_of_date = previous_history.as_of_date
    where
        previous_history.as_of_date is null
        or history.total_score <> previous_history.previous_total_score
        or history.score_status <> previous_history.previous_score_status
        or history.fit_grade <> previous_history.previous_fit_grade
),

-- Each change counts the day's ledger up and the day before's down.
day_points as (
    select
        changed.model_id,
        changed.lead_id,
        changed.as_of_date,
        day_ledger.rule_id,
        day_ledger.points
    from changed
    inner join day_ledger
        on changed.model_id = day_ledger.model_id
            and changed.lead_id = day_ledger.lead_id
            and changed.as_of_date = day_ledger.as_of_date
),

previous_day_points as (
    select
        changed.model_id,
        changed.lead_id,
        changed.as_of_date,
        previous_day_ledger.rule_id,
        -previous_day_ledger.points as points
    from changed
    inner join previous_day_ledger
        on changed.model_id = previous_day_ledger.model_id
            and changed.lead_id = previous_day_ledger.lead_id
            and changed.as_of_date = previous_day_ledger.as_of_date
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
    select * from day_points
    union all
    select * from previous_day_points
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
