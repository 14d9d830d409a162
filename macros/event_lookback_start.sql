{% macro event_lookback_start(delivered) -%}
    {#-
        Where an incremental run of base_activity__events starts comparing raw rows with stored ones: the
        newest usable stored event minus var event_lookback_days (late arrivals within the lookback are
        found). None (compare all history) when nothing usable is stored, or when raw and stored disagree on
        how many rows came before that instant: a row arrived later than the lookback, and a warning says so.
        Called from the incremental branch only (a unit test overrides it).
    -#}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set newest = run_query('select max(occurred_at) from ' ~ this ~ ' where row_problem is null').columns[0].values()[0] -%}
    {%- if newest is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set start = newest - modules.datetime.timedelta(days=var('event_lookback_days')) -%}
    {%- set before_start = "occurred_at < cast('" ~ start.isoformat(sep=' ') ~ "' as timestamp)" -%}
    {%- set counts = run_query(
        'select (select count(*) from ' ~ delivered ~ ' where ' ~ before_start ~ '),'
        ~ ' (select count(*) from ' ~ this ~ ' where ' ~ before_start ~ ')'
    ).rows[0] -%}
    {%- if counts[0] != counts[1] -%}
        {%- do exceptions.warn(
            'base_activity__events: raw activity.events holds ' ~ counts[0] ~ ' rows before ' ~ start
            ~ ' but ' ~ counts[1] ~ ' are stored: rows arrived more than event_lookback_days ('
            ~ var('event_lookback_days') ~ ') late, or raw rows were deleted or changed. Comparing all history'
            ~ ' this run; if rows were deleted or changed, run dbt build --full-refresh.'
        ) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(start) }}
{%- endmacro %}
