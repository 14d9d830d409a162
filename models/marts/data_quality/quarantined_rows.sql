-- One row per raw row that cannot be used, with the table, its key and why. Nothing is dropped silently.
{%- set tables = [
    ('accounts', 'base_crm__accounts', 'account_id', 'cast(null as ' ~ dbt.type_string() ~ ')'),
    ('leads', 'base_crm__leads', 'lead_id', 'lead_id'),
    ('lead_status_changes', 'base_crm__lead_status_changes', 'status_change_id', 'lead_id'),
    ('opportunities', 'base_crm__opportunities', 'opportunity_id', 'lead_id'),
    ('sales_activities', 'base_crm__sales_activities', 'sales_activity_id', 'lead_id'),
    ('owners', 'base_crm__owners', 'owner_id', 'cast(null as ' ~ dbt.type_string() ~ ')'),
    ('events', 'base_activity__events', 'event_id', 'lead_id'),
] %}
with

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

events as (
    select * from {{ ref('stg_activity__events') }}
),

staging_rejects as (
    {%- for table_name, model, key, lead in tables %}
        select
            '{{ table_name }}' as source_table,
            'staging' as rejected_at,
            {{ key }} as record_id,
            {{ lead }},
            quarantine_reason
        from {{ ref(model) }}
        where quarantine_reason is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

unknown_lead_events as (
    select
        'events' as source_table,
        'attribution' as rejected_at,
        events.event_id as record_id,
        events.lead_id,
        'unknown_lead' as quarantine_reason
    from events
    left join leads
        on events.lead_id = leads.lead_id
    where leads.lead_id is null
),

final as (
    select * from staging_rejects
    union all
    select * from unknown_lead_events
)

select * from final
