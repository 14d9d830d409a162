{% test unique_combination(model, columns, keys_restaged_in=none) %}
{#- Fails with one row per combination of `columns` that occurs more than once (a composite key test).
    Two optional scopes, each sound only because a kept row was checked by the run that wrote it:
    config `where: "in_days_written(<day column>)"` (get_where_subquery): for a mart each run extends by whole
    days (delete+insert by day) whose key holds the day; only the days the run scored are checked.
    keys_restaged_in: the incremental base model the rows come from, with the same key and a staged_at that a
    run restamps on every row whose use it changes (all of them on a first build or a full refresh). Only keys
    with a row of its latest staged_at are checked: a key can only repeat when one of its rows became used. -#}
{%- set key = columns | join(', ') -%}
{%- if keys_restaged_in is not none -%}
    {%- set model = '(select * from ' ~ model ~ ' where (' ~ key ~ ') in (select ' ~ key ~ ' from ' ~ keys_restaged_in
        ~ ' where staged_at = (select max(staged_at) from ' ~ keys_restaged_in ~ '))) as restaged_rows' -%}
{%- endif -%}
{%- if keys_restaged_in is not none or config.get('where') %}
{#- A scoped check is small: a plain group-by, not the dispatched whole-table form that reads its input twice. #}
{{ leadscore.default__unique_combination_failures(model, columns) }}
{%- else %}
{{ adapter.dispatch('unique_combination_failures', 'leadscore')(model, columns) }}
{%- endif %}
{% endtest %}
