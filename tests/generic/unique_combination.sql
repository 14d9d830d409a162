{% test unique_combination(model, columns, run_days_column=none, keys_restaged_in=none) %}
{#- Fails with one row per combination of `columns` that occurs more than once (a composite key test).
    Two optional scopes, each sound only because a kept row was checked by the run that wrote it:
    run_days_column: the day column of a mart each run extends by whole days (delete+insert by day). Only the
    days int_score_dates holds are checked, which include every day this run wrote (all of them on a first
    build or a full refresh), and the key holds the day.
    keys_restaged_in: the incremental base model the rows come from, with the same key and a staged_at that a
    run restamps on every row whose use it changes (all of them on a first build or a full refresh). Only keys
    with a row of its latest staged_at are checked: a key can only repeat when one of its rows became used. -#}
{%- set key = columns | join(', ') -%}
{%- set filters = [] -%}
{%- if run_days_column is not none -%}
    {%- do filters.append(in_days_written(run_days_column)) -%}
{%- endif -%}
{%- if keys_restaged_in is not none -%}
    {%- do filters.append('(' ~ key ~ ') in (select ' ~ key ~ ' from ' ~ keys_restaged_in
        ~ ' where staged_at = (select max(staged_at) from ' ~ keys_restaged_in ~ '))') -%}
{%- endif -%}
{%- if filters %}
{#- A scoped check is small: a plain group-by, not the dispatched whole-table form that reads its input twice. #}
{{ leadscore.default__unique_combination_failures(
    '(select * from ' ~ model ~ ' where ' ~ filters | join(' and ') ~ ') as checked_rows', columns
) }}
{%- else %}
{{ adapter.dispatch('unique_combination_failures', 'leadscore')(model, columns) }}
{%- endif %}
{% endtest %}
