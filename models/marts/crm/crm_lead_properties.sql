-- One row per lead scored by the CRM's scoring model (var crm_sync_model): the properties the CRM gets,
-- their hash, and whether the CRM already holds them according to what `leadscore sync` recorded.
-- A view, so that feed_status is current as soon as the sync writes its state.
with

scores as (
    select * from {{ ref('lead_scores') }}
    where model_id = {{ active_model_var('crm_sync_model') }}
),

sync_state as (
    select * from {{ source('crm_sync', 'crm_sync_state') }}
),

reasons_joined as (
    select
        *,
        nullif({{ dbt.concat([
            "coalesce(top_reason_1, '')",
            "case when top_reason_2 is not null then " ~ dbt.concat(["'; '", 'top_reason_2']) ~ " else '' end",
            "case when top_reason_3 is not null then " ~ dbt.concat(["'; '", 'top_reason_3']) ~ " else '' end",
        ]) }}, '') as top_reasons
    from scores
),

properties as (
    -- CRM property names, so a reverse-ETL tool maps them one to one. Long reasons are cut to the CRM's
    -- text limit (var crm_text_limit) with an ellipsis, rather than refused by the CRM.
    select
        lead_id,
        crm_record_id,
        total_score as leadscore_score,
        fit_grade as leadscore_grade,
        score_status as leadscore_status,
        behavioral_points as leadscore_engagement,
        firmographic_points as leadscore_fit,
        case
            when {{ dbt.length('top_reasons') }} > {{ var('crm_text_limit') }}
                then {{ dbt.concat([
                    'substr(top_reasons, 1, ' ~ (var('crm_text_limit') - 3) ~ ')', "'...'"
                ]) }}
            else top_reasons
        end as leadscore_top_reasons,
        score_date as leadscore_as_of_date
    from reasons_joined
),

hashed as (
    -- The as-of date is sent but not hashed: it moves every day, and would make every lead pending daily.
    select
        *,
        {{ dbt.hash(dbt.concat([
            "cast(leadscore_score as " ~ dbt.type_string() ~ ")", "'|'",
            "leadscore_grade", "'|'",
            "leadscore_status", "'|'",
            "cast(leadscore_engagement as " ~ dbt.type_string() ~ ")", "'|'",
            "cast(leadscore_fit as " ~ dbt.type_string() ~ ")", "'|'",
            "coalesce(leadscore_top_reasons, '')",
        ])) }} as properties_hash,
        count(*) over (partition by crm_record_id) as leads_with_crm_record_id
    from properties
),

final as (
    select
        hashed.lead_id,
        hashed.crm_record_id,
        hashed.leadscore_score,
        hashed.leadscore_grade,
        hashed.leadscore_status,
        hashed.leadscore_engagement,
        hashed.leadscore_fit,
        hashed.leadscore_top_reasons,
        hashed.leadscore_as_of_date,
        hashed.properties_hash,
        case
            when hashed.crm_record_id is null then 'no_crm_record_id'
            when hashed.leads_with_crm_record_id > 1 then 'duplicate_crm_record_id'
            when hashed.properties_hash = sync_state.properties_hash then 'in_sync'
            else 'pending'
        end as feed_status,
        sync_state.synced_at as last_synced_at
    from hashed
    left join sync_state
        on hashed.crm_record_id = sync_state.crm_record_id
)

select * from final
