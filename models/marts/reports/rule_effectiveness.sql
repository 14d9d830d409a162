-- Which rules carry signal? Per scoring model and rule of the matrix: the at-risk lead-snapshots where the
-- rule had fired as of the snapshot against those where it had not, their conversion rates, the log-odds
-- ratio between them (each count + 0.5), and the points the data would give the rule on the model's scale.
-- One rule at a time: rules that fire together share the credit.
with

outcomes as (
    select * from {{ ref('lead_snapshot_outcomes') }}
    where is_at_risk
),

rule_snapshots as (
    select * from {{ ref('lead_rule_snapshots') }}
),

rules as (
    select * from {{ ref('int_scoring_rules') }}
),

model_totals as (
    select
        model_id,
        count(*) as lead_snapshots,
        count(case when is_converted then 1 end) as conversions
    from outcomes
    group by model_id
),

fired as (
    select
        rule_snapshots.model_id,
        rule_snapshots.rule_id,
        count(*) as lead_snapshots,
        count(case when outcomes.is_converted then 1 end) as conversions,
        avg(rule_snapshots.points) as avg_points
    from rule_snapshots
    inner join outcomes
        on rule_snapshots.snapshot_date = outcomes.snapshot_date
            and rule_snapshots.model_id = outcomes.model_id
            and rule_snapshots.lead_id = outcomes.lead_id
    group by rule_snapshots.model_id, rule_snapshots.rule_id
),

counted as (
    select
        rules.model_id,
        rules.rule_id,
        rules.component,
        rules.points,
        fired.avg_points as avg_points_when_fired,
        coalesce(fired.lead_snapshots, 0) as fired_lead_snapshots,
        coalesce(fired.conversions, 0) as fired_conversions,
        model_totals.lead_snapshots - coalesce(fired.lead_snapshots, 0) as not_fired_lead_snapshots,
        model_totals.conversions - coalesce(fired.conversions, 0) as not_fired_conversions,
        model_totals.lead_snapshots as model_lead_snapshots,
        model_totals.conversions as model_conversions
    from rules
    inner join model_totals
        on rules.model_id = model_totals.model_id
    left join fired
        on rules.model_id = fired.model_id
            and rules.rule_id = fired.rule_id
),

effects as (
    -- The 2x2 table fired / not fired x converted / not, each cell + 0.5 (so an empty cell gives a finite
    -- log-odds), and Woolf's standard error of its log-odds ratio.
    select
        *,
        ln(
            (fired_conversions + 0.5) * (not_fired_lead_snapshots - not_fired_conversions + 0.5)
            / ((fired_lead_snapshots - fired_conversions + 0.5) * (not_fired_conversions + 0.5))
        ) as log_odds_ratio,
        sqrt(
            1.0 / (fired_conversions + 0.5)
            + 1.0 / (fired_lead_snapshots - fired_conversions + 0.5)
            + 1.0 / (not_fired_conversions + 0.5)
            + 1.0 / (not_fired_lead_snapshots - not_fired_conversions + 0.5)
        ) as log_odds_standard_error,
        least(fired_lead_snapshots, not_fired_lead_snapshots) >= {{ var('rule_min_support') }} as has_support
    from counted
),

scales as (
    -- Points per unit of log-odds: the supported rules' average points when fired, in total, over their
    -- log-odds ratios, in total (by magnitude), so the suggestions sum to what the rules give today.
    select
        model_id,
        sum(abs(avg_points_when_fired)) / nullif(sum(abs(log_odds_ratio)), 0) as points_per_log_odds
    from effects
    where has_support
    group by model_id
),

final as (
    select
        effects.model_id,
        effects.rule_id,
        effects.component,
        cast(effects.points as {{ type_double() }}) as points,
        cast({{ round_number('effects.avg_points_when_fired', 2) }} as decimal(18, 2)) as avg_points_when_fired,
        effects.fired_lead_snapshots,
        effects.fired_conversions,
        {{ ratio('effects.fired_conversions', 'effects.fired_lead_snapshots', 4) }} as fired_conversion_rate,
        effects.not_fired_lead_snapshots,
        effects.not_fired_conversions,
        {{ ratio('effects.not_fired_conversions', 'effects.not_fired_lead_snapshots', 4) }}
            as not_fired_conversion_rate,
        {{ ratio(
            'effects.fired_conversions * effects.model_lead_snapshots',
            'effects.fired_lead_snapshots * effects.model_conversions',
            2,
        ) }} as lift,
        cast({{ round_number('effects.log_odds_ratio', 4) }} as decimal(18, 4)) as log_odds_ratio,
        cast({{ round_number('effects.log_odds_standard_error', 4) }} as decimal(18, 4)) as log_odds_standard_error,
        cast({{ round_number('scales.points_per_log_odds', 2) }} as decimal(18, 2)) as points_per_log_odds,
        -- Without support the log-odds is mostly the + 0.5: no suggestion, and no flag.
        case
            when effects.has_support
                then cast({{ round_number('scales.points_per_log_odds * effects.log_odds_ratio', 0) }} as integer)
        end as suggested_points,
        effects.has_support,
        (
            effects.has_support
            and abs(effects.log_odds_ratio) >= {{ var('rule_signal_z') }} * effects.log_odds_standard_error
        ) as has_signal,
        effects.has_support and effects.points * effects.log_odds_ratio < 0 as is_inverted
    from effects
    left join scales
        on effects.model_id = scales.model_id
)

select * from final
