{% macro by_scored_day_chunks(unique_key=none) -%}
    {#- The config of a model whose rows grow with the days a run scores (as_of_date). Dispatched: on DuckDB it
        is built a chunk of days at a time (by_day_chunks); elsewhere it is a plain table. With a unique_key
        (a mart that a run extends) a run replaces the stored rows of the days it wrote, as incremental_by. -#}
    {{ return(adapter.dispatch('by_scored_day_chunks', 'leadscore')(unique_key)) }}
{%- endmacro %}

{% macro default__by_scored_day_chunks(unique_key) -%}
    {{ return(incremental_by(unique_key) if unique_key else {'materialized': 'table'}) }}
{%- endmacro %}

{% macro duckdb__by_scored_day_chunks(unique_key) -%}
    {{ return({'materialized': 'by_day_chunks', 'unique_key': unique_key}) }}
{%- endmacro %}

{% macro scored_day_chunks() -%}
    {#- The days of int_score_dates, oldest first, in runs of var history_chunk_days. Looked up rather than
        ref'd: every chunked model reaches int_score_dates through its inputs already. -#}
    {%- set days = stored_dates('int_score_dates', 'as_of_date', 'intermediate') | sort -%}
    {{ return(days | batch(var('history_chunk_days')) | list) }}
{%- endmacro %}

{% macro overlaps_chunk_days(first_day_column, last_day_column) -%}
    {#- True for rows whose days (first_day_column to last_day_column) reach the chunk of days by_day_chunks is
        building, true for every row in any other build: a filter for a model's input whose rows cover a range
        of scored days, which the chunk's filter on the output cannot reach through a range join. -#}
    {{ return(adapter.dispatch('overlaps_chunk_days', 'leadscore')(first_day_column, last_day_column)) }}
{%- endmacro %}

{% macro default__overlaps_chunk_days(first_day_column, last_day_column) -%}
    true
{%- endmacro %}

{% macro duckdb__overlaps_chunk_days(first_day_column, last_day_column) -%}
    {#- getvariable is folded into a constant when the query is planned, so the bounds reach the table scan. -#}
    {{ last_day_column }} >= coalesce(getvariable('leadscore_chunk_first_day'), cast('0001-01-01' as date))
    and {{ first_day_column }} <= coalesce(getvariable('leadscore_chunk_last_day'), cast('9999-12-31' as date))
{%- endmacro %}

{% macro set_chunk_day_variables(chunk) -%}
    {#- The chunk's first and last day as the session variables overlaps_chunk_days reads; none unsets them
        (no bound: a statement that is not one chunk, or after the last). -#}
    {%- for name, day in [('first_day', chunk[0] if chunk else none), ('last_day', chunk[-1] if chunk else none)] %}
        {%- do run_query(
            "set variable leadscore_chunk_" ~ name ~ " = cast('" ~ day ~ "' as date)" if day
            else 'reset variable leadscore_chunk_' ~ name
        ) -%}
    {%- endfor %}
{%- endmacro %}

{% materialization by_day_chunks, adapter='duckdb' %}
    {{ return(build_unless_unchanged(build_by_day_chunks)) }}
{% endmaterialization %}

{% macro build_by_day_chunks() %}
    {#- A table filled by one statement per chunk of scored days (scored_day_chunks): each statement reads
        the model's query filtered to its days, which DuckDB pushes down to the day tables, so the memory and
        spill of the model's aggregates and joins are bounded by a chunk instead of growing with the history.
        The chunk's first and last day are also session variables during its statement, for inputs that
        only a range join ties to the days (overlaps_chunk_days).
        Rows without a day (as_of_date null: a lead's static rows) are one more statement. An enforced contract's
        column names and types are checked before the first statement; its constraints are not applied.
        With config unique_key, a run on an existing table (not --full-refresh) deletes the stored rows whose
        key the new rows hold and inserts the new rows (delete+insert); the columns must not change. -#}
    {%- set unique_key = config.get('unique_key') -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set extends_stored = unique_key and existing_relation is not none and not should_full_refresh() -%}
    {%- set backup_relation = make_backup_relation(
        target_relation, 'table' if existing_relation is none else existing_relation.type
    ) -%}
    {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
    {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if config.get('contract').enforced -%}
        {{ get_assert_columns_equivalent(compiled_code) }}
    {%- endif -%}
    {#- The rows without a day last, on their own (an OR in the first chunk's filter would keep DuckDB from
        pushing the day range down), except in a model keyed by its day (unique_key), whose rows all have one.
        No scored days yet: one statement, unfiltered. -#}
    {#- Each statement: a chunk (a list of days) or a filter of its own. -#}
    {%- set day_filters = scored_day_chunks() -%}
    {%- if not day_filters -%}
        {%- do day_filters.append('true') -%}
    {%- elif not unique_key -%}
        {%- do day_filters.append('as_of_date is null') -%}
    {%- endif -%}
    {%- for day_filter in day_filters %}
        {%- set chunk = none if day_filter is string else day_filter -%}
        {%- do set_chunk_day_variables(chunk) -%}
        {% call statement('main' if loop.last and not extends_stored else 'chunk_' ~ loop.index) -%}
            {% if loop.first %}create table {{ intermediate_relation }} as{% else %}insert into {{ intermediate_relation }}{% endif %}
            select * from (
                {{ compiled_code }}
            ) as model_rows
            where {{ "as_of_date between cast('" ~ chunk[0] ~ "' as date) and cast('" ~ chunk[-1] ~ "' as date)"
                if chunk else day_filter }}
        {%- endcall %}
    {%- endfor %}
    {%- do set_chunk_day_variables(none) -%}

    {% if extends_stored %}
        {#- dbt's own schema check and delete+insert, as incremental_by (on_schema_change fail) elsewhere. -#}
        {%- do process_schema_changes('fail', intermediate_relation, existing_relation) -%}
        {% call statement('main') -%}
            {{ get_delete_insert_merge_sql(
                target_relation, intermediate_relation, unique_key,
                adapter.get_columns_in_relation(existing_relation), none
            ) }}
        {%- endcall %}
        {{ drop_relation_if_exists(intermediate_relation) }}
    {% else %}
        {% if existing_relation is not none %}
            {{ adapter.rename_relation(existing_relation, backup_relation) }}
        {% endif %}
        {{ adapter.rename_relation(intermediate_relation, target_relation) }}
    {% endif %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do persist_docs(target_relation, model) %}
    {{ adapter.commit() }}
    {{ drop_relation_if_exists(backup_relation) }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{%- endmacro %}
