-- Does the score predict conversion? Per scoring model, the at-risk lead-snapshots of lead_snapshot_outcomes
-- by score decile and by score status: how many converted within the window, the rate, and its lift
-- over the model's base rate.
with

outcomes as (
    select * from {{ ref('lead_snapshot_outcomes') }}
    where is_at_risk
),

deciles as (
    -- Decile 10 holds the highest scores. Ties are split at a decile border by snapshot day and lead, so
    -- every engine cuts the same rows.
    select
        *,
        ntile(10) over (partition by model_id order by total_score, snapshot_date, lead_id) as score_decile
    from outcomes
),

bucketed as (
    -- Every at-risk lead-snapshot twice: once in its decile, once in its status.
    select
        model_id,
        'score_decile' as breakdown,
        cast(score_decile as {{ dbt.type_string() }}) as bucket,
        score_decile as bucket_order,
        lead_id,
        total_score,
        is_converted
    from deciles
    union all
    select
        model_id,
        'score_status' as breakdown,
        score_status as bucket,
        case score_status when 'disqualified' then 0 when 'nurture' then 1 when 'mql' then 2 when 'hot' then 3 end
            as bucket_order,
        lead_id,
        total_score,
        is_converted
    from outcomes
),

buckets as (
    select
        model_id,
        breakdown,
        bucket,
        bucket_order,
        min(total_score) as min_score,
        max(total_score) as max_score,
        count(*) as lead_snapshots,
        count(distinct lead_id) as leads,
        count(case when is_converted then 1 end) as conversions
    from bucketed
    group by model_id, breakdown, bucket, bucket_order
),

with_totals as (
    select
        *,
        sum(lead_snapshots) over (partition by model_id, breakdown) as model_lead_snapshots,
        sum(conversions) over (partition by model_id, breakdown) as model_conversions
    from buckets
),

final as (
    select
        model_id,
        breakdown,
        bucket,
        cast(bucket_order as integer) as bucket_order,
        min_score,
        max_score,
        lead_snapshots,
        leads,
        conversions,
        {{ ratio('conversions', 'lead_snapshots', 4) }} as conversion_rate,
        {{ ratio('model_conversions', 'model_lead_snapshots', 4) }} as base_conversion_rate,
        -- (conversions / lead_snapshots) / (model_conversions / model_lead_snapshots), in one division.
        {{ ratio('conversions * model_lead_snapshots', 'lead_snapshots * model_conversions', 2) }} as lift
    from with_totals
)

select * from final
