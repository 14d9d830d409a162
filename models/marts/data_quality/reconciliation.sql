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
            (select count(*) from {{ ref(staged_model) }}) as staged_rows
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

quarantine_counts as (
    select
        source_table,
        cast(sum(case when rejected_at = 'staging' then 1 else 0 end) as bigint) as quarantined_rows,
        cast(sum(case when rejected_at = 'attribution' then 1 else 0 end) as bigint) as unknown_lead_rows
    from quarantined
    group by source_table
),

set_aside as (
    -- What scoring leaves out of the staged rows on purpose, and what it reads.
    select
        'events' as source_table,
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
        0 as bot_rows,
        (
            select count(*) from staged_leads
            where is_merged_duplicate
        ) as merged_duplicate_rows,
        (select count(*) from {{ ref('int_leads_enriched') }}) as used_rows
),

joined as (
    select
        counts.source_table,
        counts.raw_rows,
        coalesce(quarantine_counts.quarantined_rows, 0) as quarantined_rows,
        counts.staged_rows,
        coalesce(quarantine_counts.unknown_lead_rows, 0) as unknown_lead_rows,
        coalesce(set_aside.bot_rows, 0) as bot_rows,
        coalesce(set_aside.merged_duplicate_rows, 0) as merged_duplicate_rows,
        coalesce(set_aside.used_rows, counts.staged_rows - coalesce(quarantine_counts.unknown_lead_rows, 0))
            as used_rows
    from counts
    left join quarantine_counts
        on counts.source_table = quarantine_counts.source_table
    left join set_aside
        on counts.source_table = set_aside.source_table
),

final as (
    select
        *,
        raw_rows = quarantined_rows + staged_rows
        and staged_rows = unknown_lead_rows + bot_rows + merged_duplicate_rows + used_rows as is_reconciled
    from joined
)

select * from final
