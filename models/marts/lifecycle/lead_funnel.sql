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

-- The history and the snapshots are read where they are used: DuckDB materializes a CTE read twice whole.
last_history_day as (
    select max(as_of_date) as as_of_date from {{ ref('lead_score_history') }}
),

history_at_mql as (
    -- A lead's history days are contiguous up to the last day (int_lead_days), so its latest day at or
    -- before the MQL day is the MQL day itself (the last day when the MQL is newer), if it was scored by
    -- then: an equality join, not a range join over every earlier day.
    select
        mql_days.model_id,
        mql_days.lead_id,
        history.as_of_date,
        history.total_score,
        history.fit_grade
    from mql_days
    cross join last_history_day
    inner join {{ ref('lead_score_history') }} as history
        on mql_days.model_id = history.model_id
            and mql_days.lead_id = history.lead_id
            and history.as_of_date = least(mql_days.mql_date, last_history_day.as_of_date)
),

latest_snapshot_days as (
    -- Snapshots are monthly: the latest at or before the MQL day, for leads the history holds no score for
    -- by then (a history day at or before the MQL day is never older than a snapshot day that is).
    select
        mql_days.model_id,
        mql_days.lead_id,
        max(snapshots.snapshot_date) as snapshot_date
    from mql_days
    left join history_at_mql
        on mql_days.model_id = history_at_mql.model_id
            and mql_days.lead_id = history_at_mql.lead_id
    inner join {{ ref('lead_score_snapshots') }} as snapshots
        on mql_days.model_id = snapshots.model_id
            and mql_days.lead_id = snapshots.lead_id
            and mql_days.mql_date >= snapshots.snapshot_date
    where history_at_mql.lead_id is null
    group by mql_days.model_id, mql_days.lead_id
),

snapshot_at_mql as (
    select
        snapshots.model_id,
        snapshots.lead_id,
        snapshots.snapshot_date as as_of_date,
        snapshots.total_score,
        snapshots.fit_grade
    from latest_snapshot_days
    inner join {{ ref('lead_score_snapshots') }} as snapshots
        on latest_snapshot_days.model_id = snapshots.model_id
            and latest_snapshot_days.lead_id = snapshots.lead_id
            and latest_snapshot_days.snapshot_date = snapshots.snapshot_date
),

score_at_mql as (
    -- The one place that says which score a cohort is cut by: point in time, never today's score (a
    -- lead's score after it converted would leak the outcome into the cut). Leads with no score by
    -- their MQL day are kept, with score_source none.
    select
        mql_days.model_id,
        mql_days.lead_id,
        coalesce(history_at_mql.as_of_date, snapshot_at_mql.as_of_date) as as_of_date,
        case
            when history_at_mql.lead_id is not null then 'history'
            when snapshot_at_mql.lead_id is not null then 'snapshot'
            else 'none'
        end as score_source,
        coalesce(history_at_mql.total_score, snapshot_at_mql.total_score) as total_score,
        coalesce(history_at_mql.fit_grade, snapshot_at_mql.fit_grade) as fit_grade
    from mql_days
    left join history_at_mql
        on mql_days.model_id = history_at_mql.model_id
            and mql_days.lead_id = history_at_mql.lead_id
    left join snapshot_at_mql
        on mql_days.model_id = snapshot_at_mql.model_id
            and mql_days.lead_id = snapshot_at_mql.lead_id
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
