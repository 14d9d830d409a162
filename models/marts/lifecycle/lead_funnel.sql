-- The leads of the MQL funnel: one row per scoring model and lead that became an MQL, with when it
-- reached each later stage, its source, its fit grade and score band as of the MQL day, and the money of
-- the opportunities it opened after the MQL. conversion_funnel counts these rows by cohort; the semantic
-- layer (models/marts/semantic) aggregates them by any cut. A stage counts when the lead reached it or a
-- later one after its first MQL, so the counts never grow down the funnel.
with

transitions as (
    select * from {{ ref('int_lead_lifecycle_transitions') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
    where is_active
),

history as (
    select * from {{ ref('lead_score_history') }}
),

snapshots as (
    select * from {{ ref('lead_score_snapshots') }}
),

score_thresholds as (
    select * from {{ ref('score_thresholds') }}
),

mqls as (
    -- MQL time, for now: the lead's first mql status change in the CRM.
    select
        lead_id,
        min(transitioned_at) as mql_at
    from transitions
    where to_status = 'mql'
    group by lead_id
),

stages_reached as (
    select
        mqls.lead_id,
        mqls.mql_at,
        min(case
            when transitions.to_status in ('sales_accepted', 'sql', 'opportunity', 'customer') then transitions.transitioned_at
        end) as accepted_at,
        min(case
            when transitions.to_status in ('sql', 'opportunity', 'customer') then transitions.transitioned_at
        end) as sql_at,
        min(case
            when transitions.to_status in ('opportunity', 'customer') then transitions.transitioned_at
        end) as opportunity_at,
        min(case
            when transitions.to_status = 'customer' then transitions.transitioned_at
        end) as won_at
    from mqls
    inner join transitions
        on mqls.lead_id = transitions.lead_id
            and mqls.mql_at <= transitions.transitioned_at
    group by mqls.lead_id, mqls.mql_at
),

deals as (
    select
        mqls.lead_id,
        sum(opportunities.amount) as pipeline_amount,
        sum(case when opportunities.is_won then opportunities.amount else 0 end) as won_amount
    from opportunities
    inner join leads
        on opportunities.lead_id = leads.lead_id
    inner join mqls
        on leads.canonical_lead_id = mqls.lead_id
            and opportunities.created_at >= mqls.mql_at
    group by mqls.lead_id
),

mql_days as (
    -- Every MQL lead under every active model, with the day whose score it is cut by.
    select
        scoring_models.model_id,
        mqls.lead_id,
        cast(mqls.mql_at as date) as mql_date
    from mqls
    cross join scoring_models
),

scored_days as (
    -- Every day a lead has a score: the daily history, and the monthly snapshots for older days.
    select
        model_id,
        lead_id,
        as_of_date,
        total_score,
        fit_grade,
        'history' as score_source,
        1 as source_preference
    from history
    union all
    select
        model_id,
        lead_id,
        snapshot_date as as_of_date,
        total_score,
        fit_grade,
        'snapshot' as score_source,
        2 as source_preference
    from snapshots
),

latest_scores as (
    -- The latest scored day at or before the MQL day (the history on a tie): the score as of its end.
    select
        mql_days.model_id,
        mql_days.lead_id,
        scored_days.as_of_date,
        scored_days.total_score,
        scored_days.fit_grade,
        scored_days.score_source,
        row_number() over (
            partition by mql_days.model_id, mql_days.lead_id
            order by scored_days.as_of_date desc, scored_days.source_preference asc
        ) as score_rank
    from mql_days
    inner join scored_days
        on mql_days.model_id = scored_days.model_id
            and mql_days.lead_id = scored_days.lead_id
            and mql_days.mql_date >= scored_days.as_of_date
),

score_at_mql as (
    -- The one place that says which score a cohort is cut by: point in time, never today's score (a
    -- lead's score after it converted would leak the outcome into the cut). Leads with no score by
    -- their MQL day are kept, with score_source none.
    select
        mql_days.model_id,
        mql_days.lead_id,
        latest_scores.as_of_date,
        coalesce(latest_scores.score_source, 'none') as score_source,
        latest_scores.total_score,
        latest_scores.fit_grade
    from mql_days
    left join latest_scores
        on mql_days.model_id = latest_scores.model_id
            and mql_days.lead_id = latest_scores.lead_id
            and latest_scores.score_rank = 1
),

score_bands as (
    -- The threshold band the points reach, ignoring its minimum fit grade (the grade is its own column).
    {{ highest_band('score_at_mql', 'score_thresholds', 'score_status', 'min_score', 'total_score') }}
),

cohort_leads as (
    select
        score_bands.model_id,
        stages_reached.lead_id,
        stages_reached.mql_at,
        cast({{ dbt.date_trunc('month', 'stages_reached.mql_at') }} as date) as mql_cohort_month,
        coalesce(leads.lead_source, 'unknown') as lead_source,
        score_bands.score_source,
        -- A lead without a score at its MQL day is kept, as unknown (the band macro gives it the floor).
        coalesce(score_bands.fit_grade, 'unknown') as fit_grade,
        case when score_bands.score_source = 'none' then 'unknown' else score_bands.score_status end as score_band,
        stages_reached.accepted_at,
        stages_reached.sql_at,
        stages_reached.opportunity_at,
        stages_reached.won_at,
        {{ dbt.datediff('stages_reached.mql_at', 'stages_reached.accepted_at', 'second') }}
            as seconds_mql_to_accepted,
        {{ dbt.datediff('stages_reached.mql_at', 'stages_reached.sql_at', 'second') }}
            as seconds_mql_to_sql,
        {{ dbt.datediff('stages_reached.sql_at', 'stages_reached.opportunity_at', 'second') }}
            as seconds_sql_to_opportunity,
        {{ dbt.datediff('stages_reached.opportunity_at', 'stages_reached.won_at', 'second') }}
            as seconds_opportunity_to_won,
        coalesce(deals.pipeline_amount, 0) as pipeline_amount,
        coalesce(deals.won_amount, 0) as won_amount
    from stages_reached
    inner join score_bands
        on stages_reached.lead_id = score_bands.lead_id
    inner join leads
        on stages_reached.lead_id = leads.lead_id
    left join deals
        on stages_reached.lead_id = deals.lead_id
),

final as (
    select
        model_id,
        lead_id,
        mql_at,
        mql_cohort_month,
        lead_source,
        fit_grade,
        score_band,
        score_source,
        accepted_at,
        sql_at,
        opportunity_at,
        won_at,
        cast(seconds_mql_to_accepted as bigint) as seconds_mql_to_accepted,
        cast(seconds_mql_to_sql as bigint) as seconds_mql_to_sql,
        cast(seconds_sql_to_opportunity as bigint) as seconds_sql_to_opportunity,
        cast(seconds_opportunity_to_won as bigint) as seconds_opportunity_to_won,
        cast(pipeline_amount as decimal(18, 2)) as pipeline_amount,
        cast(won_amount as decimal(18, 2)) as won_amount
    from cohort_leads
)

select * from final
