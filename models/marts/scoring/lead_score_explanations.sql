with

contributions as (
    select * from {{ ref('int_lead_rule_reasons') }}
),

final as (
    select
        model_id,
        lead_id,
        rule_id,
        {{ score_date() }} as score_date,
        component,
        reason_text,
        cast({{ round_number('points', 0) }} as integer) as points,
        points as exact_points,
        occurrences,
        last_fired_at,
        days_since_last_fired,
        matched_value,
        is_disqualifier,
        row_number() over (partition by model_id, lead_id order by abs(points) desc, rule_id) as reason_rank
    from contributions
)

select * from final
