{% macro by_scored_day_chunks() -%}
    {#- The config of an intermediate model whose rows grow with the days a run scores (as_of_date). Dispatched:
        on DuckDB it is built a chunk of days at a time (table_by_day_chunks); elsewhere it is a plain table. -#}
    {{ return(adapter.dispatch('by_scored_day_chunks', 'leadscore')()) }}
{%- endmacro %}

{% macro default__by_scored_day_chunks() -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{% macro duckdb__by_scored_day_chunks() -%}
    {{ return({'materialized': 'table_by_day_chunks'}) }}
{%- endmacro %}

{% macro scored_day_chunks() -%}
    {#- The days of int_score_dates, oldest first, in runs of var history_chunk_days. Looked up rather than
        ref'd: every chunked model reaches int_score_dates through its inputs already. -#}
    {%- set days = stored_dates('int_score_dates', 'as_of_date', 'intermediate') | sort -%}
    {{ return(days | batch(var('history_chunk_days')) | list or [[none]]) }}
{%- endmacro %}

{% materialization table_by_day_chunks, adapter='duckdb' %}
    {#- A table filled by one statement per chunk of scored days (scored_day_chunks): each statement reads
        the model's query filtered to its days, which DuckDB pushes down to the day table, so the memory and
        spill of the model's aggregates and joins are bounded by a chunk instead of growing with the history.
        Rows without a day (as_of_date null: a lead's static rows) go with the first chunk. -#}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set backup_relation = make_backup_relation(
        target_relation, 'table' if existing_relation is none else existing_relation.type
    ) -%}
    {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
    {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- set chunks = scored_day_chunks() -%}
    {%- for chunk in chunks %}
        {% call statement('main' if loop.last else 'chunk_' ~ loop.index) -%}
            {% if loop.first %}create table {{ intermediate_relation }} as{% else %}insert into {{ intermediate_relation }}{% endif %}
            select * from (
                {{ compiled_code }}
            ) as model_rows
            {%- if chunk[0] is not none %}
            where as_of_date between cast('{{ chunk[0] }}' as date) and cast('{{ chunk[-1] }}' as date)
                {%- if loop.first %} or as_of_date is null{% endif %}
            {%- endif %}
        {%- endcall %}
    {%- endfor %}

    {% if existing_relation is not none %}
        {{ adapter.rename_relation(existing_relation, backup_relation) }}
    {% endif %}
    {{ adapter.rename_relation(intermediate_relation, target_relation) }}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do persist_docs(target_relation, model) %}
    {{ adapter.commit() }}
    {{ drop_relation_if_exists(backup_relation) }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
