-- One row per raw table: rows in = rows quarantined + rows staged, and staged rows = rows set aside
-- (unknown lead, bot, merged duplicate) + rows used. is_reconciled says both hold.
{%- set tables = [
    ('accounts', source('crm', 'accounts'), 'stg_crm__accounts'),
    ('leads', source('crm', 'leads'), 'stg_crm__leads'),
    ('lead_status_changes', source('crm', 'lead_status_changes'), 'stg_crm__lead_status_changes'),
    ('opportunities', source('crm', 'opportunities'), 'stg_crm__opportunities'),
    ('sales_activities', source('crm', 'sales_activities'), 'stg_crm__sales_activities'),
    ('owners', source('crm', 'owners'), 'stg_crm__owners'),
    ('events', source('activity', 'events'), 'stg_activity__events'),
] %}
with

quarantined as (
    select * from {{ ref('quarantined_rows') }}
),

staged_leads as (
    select * from {{ ref('stg_crm__leads') }}
),

staged_events as (
    select * from {{ ref('stg_activity__events') }}
),

counts as (
    {%- for table_name, raw_relation, staged_model in tables %}
        select
            '{{ table_name }}' as source_table,
            (select count(*) from {{ raw_relation }}) as raw_rows,
            (
                select count(*) from quarantined
                where source_table = '{{ table_name }}' and rejected_at = 'staging')
                as quarantined_rows,
            (select count(*) from {{ ref(staged_model) }}) as staged_rows
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

set_aside as (
    select
        'events' as source_table,
        (
            select count(*) from quarantined
            where source_table = 'events' and rejected_at = 'attribution')
            as unknown_lead_rows,
        (
            select count(*) from staged_events
            inner join staged_leads on staged_events.lead_id = staged_leads.lead_id
            where staged_events.is_bot
        ) as bot_rows,
        0 as merged_duplicate_rows,
        (select count(*) from {{ ref('int_lead_events') }}) as used_rows
    union all
    select
        'leads' as source_table,
        0 as unknown_lead_rows,
        0 as bot_rows,
        (
            select count(*) from staged_leads
            where is_merged_duplicate
        ) as merged_duplicate_rows,
        (select count(*) from {{ ref('int_leads_enriched') }}) as used_rows
),

final as (
    select
        counts.source_table,
        counts.raw_rows,
        counts.quarantined_rows,
        counts.staged_rows,
        coalesce(set_aside.unknown_lead_rows, 0) as unknown_lead_rows,
        coalesce(set_aside.bot_rows, 0) as bot_rows,
        coalesce(set_aside.merged_duplicate_rows, 0) as merged_duplicate_rows,
        coalesce(set_aside.used_rows, counts.staged_rows) as used_rows,
        counts.raw_rows = counts.quarantined_rows + counts.staged_rows
        and counts.staged_rows = coalesce(set_aside.unknown_lead_rows, 0) + coalesce(set_aside.bot_rows, 0)
        + coalesce(set_aside.merged_duplicate_rows, 0) + coalesce(set_aside.used_rows, counts.staged_rows)
            as is_reconciled
    from counts
    left join set_aside
        on counts.source_table = set_aside.source_table
)

select * from final
