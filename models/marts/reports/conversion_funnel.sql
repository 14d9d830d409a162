-- MQL cohorts through the sales funnel: one row per scoring model, MQL month, lead source, fit grade,
-- score band and the source of that score (the score as of the MQL day), counted from lead_funnel's leads.
with

lead_funnel as (
    select * from {{ ref('lead_funnel') }}
),

cohorts as (
    select
        model_id,
        mql_cohort_month,
        lead_source,
        fit_grade,
        score_band,
        score_source,
        count(*) as mql_leads,
        count(accepted_at) as accepted_leads,
        count(sql_at) as sql_leads,
        count(opportunity_at) as opportunity_leads,
        count(won_at) as won_leads,
        {{ median('seconds_mql_to_accepted') }} as median_seconds_mql_to_accepted,
        {{ median('seconds_mql_to_sql') }} as median_seconds_mql_to_sql,
        {{ median('seconds_sql_to_opportunity') }} as median_seconds_sql_to_opportunity,
        {{ median('seconds_opportunity_to_won') }} as median_seconds_opportunity_to_won,
        sum(pipeline_amount) as pipeline_amount,
        sum(won_amount) as won_amount
    from lead_funnel
    group by model_id, mql_cohort_month, lead_source, fit_grade, score_band, score_source
),

final as (
    select
        model_id,
        mql_cohort_month,
        lead_source,
        fit_grade,
        score_band,
        score_source,
        mql_leads,
        accepted_leads,
        sql_leads,
        opportunity_leads,
        won_leads,
        {{ ratio('accepted_leads', 'mql_leads', 4) }} as mql_to_accepted_rate,
        {{ ratio('sql_leads', 'mql_leads', 4) }} as mql_to_sql_rate,
        {{ ratio('opportunity_leads', 'sql_leads', 4) }} as sql_to_opportunity_rate,
        {{ ratio('won_leads', 'opportunity_leads', 4) }} as opportunity_to_won_rate,
        {{ ratio('won_leads', 'mql_leads', 4) }} as mql_to_won_rate,
        {{ ratio('median_seconds_mql_to_accepted', 86400, 2) }} as median_days_mql_to_accepted,
        {{ ratio('median_seconds_mql_to_sql', 86400, 2) }} as median_days_mql_to_sql,
        {{ ratio('median_seconds_sql_to_opportunity', 86400, 2) }} as median_days_sql_to_opportunity,
        {{ ratio('median_seconds_opportunity_to_won', 86400, 2) }} as median_days_opportunity_to_won,
        cast(pipeline_amount as decimal(18, 2)) as pipeline_amount,
        cast(won_amount as decimal(18, 2)) as won_amount
    from cohorts
)

select * from final
