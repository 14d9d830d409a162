{#-
    The days this run scores.
    History days continue the stored history: from the day after its last stored day up to score_date
    (only score_date when the history is current or ahead), or from the first stored day whose events this
    run's base_activity__events wrote (late arrivals), so the history equals a full refresh. The first
    build, a full refresh or var history_start backfills a range. The day before the range is scored too,
    as the anchor that lead_score_changes compares the first new day against.
    Snapshot days are the first days of the last calibration_months months that lead_score_snapshots
    does not hold yet or that late arrivals changed (all of them on a full refresh).
-#}
{%- set score_day = score_date_value() -%}
{%- set one_day = modules.datetime.timedelta(days=1) -%}
{%- set first_day = score_day - modules.datetime.timedelta(days=var('history_initial_days') - 1) -%}
{%- set month_starts = calibration_snapshot_dates() -%}
{%- set snapshot_days = month_starts -%}
{%- if var('history_start', none) -%}
    {%- set first_day = modules.datetime.datetime.strptime(var('history_start') | string, '%Y-%m-%d').date() -%}
{%- elif execute and not flags.FULL_REFRESH -%}
    {%- set last_stored = stored_dates('lead_score_history', 'as_of_date') -%}
    {%- if last_stored -%}
        {%- set resume_day = last_stored | max + one_day -%}
        {%- set restaged_day = restaged_events_start() -%}
        {%- if restaged_day -%}
            {%- set resume_day = [resume_day, [restaged_day, last_stored | min] | max] | min -%}
        {%- endif -%}
        {%- set first_day = [[resume_day, first_day] | max, score_day] | min -%}
    {%- endif -%}
{%- endif -%}
{%- if execute and not flags.FULL_REFRESH -%}
    {%- set snapshotted = stored_dates('lead_score_snapshots', 'snapshot_date') -%}
    {%- set restaged_day = restaged_events_start() -%}
    {%- set snapshot_days = month_starts | reject('in', snapshotted) | list
        + (month_starts | select('in', snapshotted) | select('ge', restaged_day) | list if restaged_day else []) -%}
{%- endif -%}
{%- if first_day > score_day -%}
    {{ exceptions.raise_compiler_error('var history_start ' ~ first_day ~ ' is after score_date ' ~ score_day) }}
{%- endif -%}
-- depends_on: {{ ref('base_activity__events') }}
with

history_days as (
    {{ dbt.date_spine(
        'day',
        "cast('" ~ (first_day - one_day).isoformat() ~ "' as date)",
        "cast('" ~ (score_day + one_day).isoformat() ~ "' as date)"
    ) }}
),

marked_history_days as (
    select
        cast(date_day as date) as as_of_date,
        cast(date_day as date) >= cast('{{ first_day.isoformat() }}' as date) as is_history_day
    from history_days
),

snapshot_days as (
    {%- for day in snapshot_days %}
    select cast('{{ day.isoformat() }}' as date) as as_of_date
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
        select cast(null as date) as as_of_date
        where 1 = 0
    {%- endfor %}
),

all_days as (
    select
        coalesce(marked_history_days.as_of_date, snapshot_days.as_of_date) as as_of_date,
        coalesce(marked_history_days.is_history_day, false) as is_history_day,
        marked_history_days.as_of_date is not null and not marked_history_days.is_history_day as is_anchor,
        snapshot_days.as_of_date is not null as is_snapshot_day
    from marked_history_days
    full outer join snapshot_days
        on marked_history_days.as_of_date = snapshot_days.as_of_date
),

final as (
    select
        as_of_date,
        is_history_day,
        is_anchor,
        is_snapshot_day,
        cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as timestamp) as visible_before
    from all_days
)

select * from final
