{% macro stored_dates(model_name, date_column, layer='marts') -%}
    {#- The distinct dates a model already holds, as Python dates (empty when it does not exist yet). Read at
        run time to decide which days a run still has to score (the incremental marts) and to split the days
        into chunks (by_day_chunks, from int_score_dates). Dispatched: none on
        Spark, where the marts are rebuilt in full each run (incremental_by). -#}
    {{ return(adapter.dispatch('stored_dates', 'leadscore')(model_name, date_column, layer)) }}
{%- endmacro %}

{% macro spark__stored_dates(model_name, date_column, layer) -%}
    {{ return([]) }}
{%- endmacro %}

{% macro default__stored_dates(model_name, date_column, layer) -%}
    {%- set relation = adapter.get_relation(
        database=target.database, schema=generate_schema_name(layer, none), identifier=model_name
    ) -%}
    {%- set dates = [] -%}
    {%- if relation is not none -%}
        {%- for value in run_query('select distinct ' ~ date_column ~ ' from ' ~ relation).columns[0].values() -%}
            {%- do dates.append(modules.datetime.date.fromisoformat((value | string)[:10])) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(dates) }}
{%- endmacro %}
