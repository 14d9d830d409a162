-- One row per raw row that cannot be used, with the table, its key and why. Nothing is dropped silently.
{%- set null_text = 'cast(null as ' ~ dbt.type_string() ~ ')' %}
{%- set staged_tables = [
    ('accounts', 'base_crm__accounts', 'account_id', null_text),
    ('leads', 'base_crm__leads', 'lead_id', 'lead_id'),
    ('lead_status_changes', 'base_crm__lead_status_changes', 'status_change_id', 'lead_id'),
    ('opportunities', 'base_crm__opportunities', 'opportunity_id', 'lead_id'),
    ('sales_activities', 'base_crm__sales_activities', 'sales_activity_id', 'lead_id'),
    ('owners', 'base_crm__owners', 'owner_id', null_text),
    ('events', 'base_activity__events', 'event_id', 'lead_id'),
] %}
{%- set lead_tables = [
    ('lead_status_changes', 'stg_crm__lead_status_changes', 'status_change_id'),
    ('opportunities', 'stg_crm__opportunities', 'opportunity_id'),
    ('sales_activities', 'stg_crm__sales_activities', 'sales_activity_id'),
    ('events', 'stg_activity__events', 'event_id'),
] %}
with

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

staging_rejects as (
    {%- for table_name, model, key, lead in staged_tables %}
        select
            '{{ table_name }}' as source_table,
            'staging' as rejected_at,
            {{ key }} as record_id,
            cast({{ lead }} as {{ dbt.type_string() }}) as lead_id,
            quarantine_reason
        from {{ ref(model) }}
        where quarantine_reason is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

unknown_lead_rows as (
    -- Staged rows that refer to a lead that does not exist (staging does no joins, so this is found here).
    {%- for table_name, model, key in lead_tables %}
        select
            '{{ table_name }}' as source_table,
            'attribution' as rejected_at,
            staged.{{ key }} as record_id,
            staged.lead_id,
            'unknown_lead' as quarantine_reason
        from {{ ref(model) }} as staged
        left join leads
            on staged.lead_id = leads.lead_id
        where leads.lead_id is null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select * from staging_rejects
    union all
    select * from unknown_lead_rows
)

select * from final
