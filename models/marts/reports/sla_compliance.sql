-- Share of handed-over leads touched within their SLA, per scoring model, status, week and owner.
with

responses as (
    select * from {{ ref('lead_sla_responses') }}
),

owners as (
    select * from {{ ref('stg_crm__owners') }}
),

weekly as (
    select
        model_id,
        score_status,
        entered_week,
        owner_id,
        count(*) as leads,
        count(case when sla_outcome = 'within' then 1 end) as within_sla_leads,
        count(case when sla_outcome = 'breached' then 1 end) as breached_leads,
        count(case when sla_outcome = 'pending' then 1 end) as pending_leads,
        count(case when sla_outcome = 'no_sla' then 1 end) as no_sla_leads,
        {{ median(dbt.datediff('entered_at', 'first_touch_at', 'second')) }} as median_seconds_to_first_touch
    from responses
    group by model_id, score_status, entered_week, owner_id
),

final as (
    select
        weekly.model_id,
        weekly.score_status,
        weekly.entered_week,
        weekly.owner_id,
        owners.team as owner_team,
        weekly.leads,
        weekly.within_sla_leads,
        weekly.breached_leads,
        weekly.pending_leads,
        weekly.no_sla_leads,
        -- Pending leads are not decided yet, so they are outside the share.
        {{ ratio('weekly.within_sla_leads', 'weekly.within_sla_leads + weekly.breached_leads', 4) }} as share_within_sla,
        {{ ratio('weekly.median_seconds_to_first_touch', 3600, 2) }} as median_hours_to_first_touch
    from weekly
    left join owners
        on weekly.owner_id = owners.owner_id
)

select * from final
