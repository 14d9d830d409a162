{% test unique_combination(model, columns, run_days_column=none) %}
{#- Fails with one row per combination of `columns` that occurs more than once (a composite key test).
    run_days_column: the day column of a mart each run extends by whole days (delete+insert by day). Only the
    days int_score_dates holds are checked, which include every day this run wrote (all of them on a first
    build or a full refresh): a kept day was checked by the run that wrote it, and the key holds the day. -#}
{%- set checked = model if run_days_column is none else
    '(select * from ' ~ model ~ ' where ' ~ run_days_column ~ ' in (select as_of_date from '
    ~ ref('int_score_dates') ~ ')) as days_written' -%}
{{ adapter.dispatch('unique_combination_failures', 'leadscore')(checked, columns) }}
{% endtest %}
