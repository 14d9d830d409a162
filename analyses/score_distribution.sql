-- Score histogram per model and status in bands of 10 points: the first look before moving a threshold.
with

scores as (
    select * from {{ ref('lead_scores') }}
),

final as (
    select
        model_id,
        score_status,
        floor(total_score / 10.0) * 10 as score_band,
        count(*) as leads
    from scores
    group by model_id, score_status, floor(total_score / 10.0) * 10
)

select * from final
order by model_id asc, score_band asc
