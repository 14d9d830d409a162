-- Explainability: a lead's subscores are exactly the capped sums of its ledger rows (the score date's
-- and the static ones).
with

ledger as (
    select
        model_id,
        lead_id,
        sum(case when component = 'behavioral' then points else 0 end) as behavioral_points,
        sum(case when component = 'firmographic' then points else 0 end) as firmographic_points,
        sum(case when component = 'negative' then points else 0 end) as negative_points
    from {{ ref('int_lead_rule_contributions') }}
    where as_of_date = {{ score_date() }} or as_of_date is null
    group by model_id, lead_id
),

scores as (
    select * from {{ ref('lead_scores') }}
),

caps as (
    select * from {{ ref('scoring_models') }}
)

select
    scores.model_id,
    scores.lead_id
from scores
inner join caps
    on scores.model_id = caps.model_id
left join ledger
    on scores.model_id = ledger.model_id
        and scores.lead_id = ledger.lead_id
where
    scores.behavioral_points <> {{ round_number('least(coalesce(ledger.behavioral_points, 0), caps.behavioral_cap)', 0) }}
    or scores.firmographic_points <> {{ round_number('least(coalesce(ledger.firmographic_points, 0), caps.firmographic_cap)', 0) }}
    or scores.negative_points <> {{ round_number('greatest(coalesce(ledger.negative_points, 0), caps.negative_floor)', 0) }}
    or scores.total_score <> scores.behavioral_points + scores.firmographic_points + scores.negative_points
