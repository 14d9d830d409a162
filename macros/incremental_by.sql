{% macro incremental_by(unique_key) -%}
    {#- The config of a mart that a run extends: delete+insert by `unique_key` (the days or events the run
        (re)wrote replace the stored ones). Dispatched: on Spark a parquet table can neither delete nor merge,
        so the model is a table that every run rebuilds in full (the history a first build writes). -#}
    {{ return(adapter.dispatch('incremental_by', 'leadscore')(unique_key)) }}
{%- endmacro %}

{% macro default__incremental_by(unique_key) -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': unique_key,
        'on_schema_change': 'fail',
    }) }}
{%- endmacro %}

{% macro spark__incremental_by(unique_key) -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{% macro delete_snapshots_before(relation, first_kept) -%}
    {#- A post-hook of the snapshot marts: drops the snapshot days older than the calibration window. Dispatched:
        nothing on Spark, where the table is rebuilt each run with only the days in the window. -#}
    {{ return(adapter.dispatch('delete_snapshots_before', 'leadscore')(relation, first_kept)) }}
{%- endmacro %}

{% macro default__delete_snapshots_before(relation, first_kept) -%}
    delete from {{ relation }} where snapshot_date < cast('{{ first_kept }}' as date)
{%- endmacro %}

{% macro spark__delete_snapshots_before(relation, first_kept) -%}
{%- endmacro %}
