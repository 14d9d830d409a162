-- What the candidate scoring model would change today: leads by their current status under the baseline
-- model and under the candidate (vars backtest_baseline, backtest_candidate), unchanged pairs included.
{%- set baseline = active_model_var('backtest_baseline') %}
{%- set candidate = active_model_var('backtest_candidate') %}
with

lead_scores as (
    select * from {{ ref('lead_scores') }}
),

baseline as (
    select * from lead_scores
    where model_id = {{ baseline }}
),

candidate as (
    select * from lead_scores
    where model_id = {{ candidate }}
),

final as (
    select
        baseline.model_id as baseline_model_id,
        candidate.model_id as candidate_model_id,
        baseline.score_status as baseline_status,
        candidate.score_status as candidate_status,
        baseline.score_status <> candidate.score_status as is_status_changed,
        count(*) as leads
    from baseline
    inner join candidate
        on baseline.lead_id = candidate.lead_id
    group by baseline.model_id, candidate.model_id, baseline.score_status, candidate.score_status
)

select * from final
