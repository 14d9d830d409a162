{% macro create_crm_sync_state() -%}
    {#- An on-run-start hook: the table where `leadscore sync` records what it pushed to the CRM. It belongs
        to the CLI, not to dbt (a model would be rebuilt and forget the state), so dbt only creates it when
        missing; the first build then finds every lead pending. -#}
    {{ return(adapter.dispatch('create_crm_sync_state', 'leadscore')(source('crm_sync', 'crm_sync_state'))) }}
{%- endmacro %}

{% macro default__create_crm_sync_state(state) -%}
    create schema if not exists {{ adapter.quote(state.schema) }};
    create table if not exists {{ state }} (
        crm_record_id {{ dbt.type_string() }} not null primary key,
        lead_id {{ dbt.type_string() }} not null,
        properties_hash {{ dbt.type_string() }} not null,
        synced_at {{ dbt.type_timestamp() }} not null
    )
{%- endmacro %}

{% macro spark__create_crm_sync_state(state) -%}
    {#- One statement per call on Spark, and a parquet table has no constraints. -#}
    {%- do run_query('create schema if not exists ' ~ state.schema) -%}
    create table if not exists {{ state }} (
        crm_record_id {{ dbt.type_string() }},
        lead_id {{ dbt.type_string() }},
        properties_hash {{ dbt.type_string() }},
        synced_at {{ dbt.type_timestamp() }}
    ) using parquet
{%- endmacro %}
