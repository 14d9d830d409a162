with

leads as (
    select * from {{ ref('int_leads_enriched') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
    where is_active
),

subscores as (
    select * from {{ ref('int_lead_subscores') }}
),

contributions as (
    select * from {{ ref('int_lead_rule_contributions') }}
),

fit_grades as (
    select * from {{ ref('fit_grades') }}
),

engagement_tiers as (
    select * from {{ ref('engagement_tiers') }}
),

score_thresholds as (
    select * from {{ ref('score_thresholds') }}
),

scored as (
    -- Every lead gets a row for every active model, whether or not any rule fired.
    select
        leads.lead_id,
        scoring_models.model_id,
        leads.crm_record_id,
        leads.account_id,
        leads.last_activity_at,
        leads.days_since_last_activity,
        cast({{ round_number('coalesce(subscores.behavioral_points, 0)', 0) }} as integer) as behavioral_points,
        cast({{ round_number('coalesce(subscores.firmographic_points, 0)', 0) }} as integer) as firmographic_points,
        cast({{ round_number('coalesce(subscores.negative_points, 0)', 0) }} as integer) as negative_points,
        coalesce(subscores.is_disqualified, false) as is_disqualified,
        coalesce(subscores.rules_fired, 0) as rules_fired
    from leads
    cross join scoring_models
    left join subscores
        on leads.lead_id = subscores.lead_id
            and scoring_models.model_id = subscores.model_id
),

totalled as (
    select
        *,
        behavioral_points + firmographic_points + negative_points as total_score
    from scored
),

graded as (
    {{ highest_band('totalled', 'fit_grades', 'fit_grade', 'min_points', 'firmographic_points') }}
),

tiered as (
    {{ highest_band('graded', 'engagement_tiers', 'engagement_tier', 'min_points', 'behavioral_points') }}
),

-- A band may demand a minimum fit grade: a very active lead with a poor fit is not a priority.
banded as (
    {{ highest_band(
        'tiered', 'score_thresholds', 'score_status', 'min_score', 'total_score',
        '(score_thresholds.min_fit_grade is null or tiered.fit_grade <= score_thresholds.min_fit_grade)'
    ) }}
),

ranked_reasons as (
    select
        model_id,
        lead_id,
        reason_text,
        cast({{ round_number('points', 0) }} as integer) as reason_points,
        row_number() over (
            partition by model_id, lead_id order by abs(points) desc, rule_id
        ) as reason_rank
    from contributions
),

top_reasons as (
    select
        model_id,
        lead_id,
        max(case when reason_rank = 1 then reason_text end) as top_reason_1,
        max(case when reason_rank = 1 then reason_points end) as top_reason_1_points,
        max(case when reason_rank = 2 then reason_text end) as top_reason_2,
        max(case when reason_rank = 2 then reason_points end) as top_reason_2_points,
        max(case when reason_rank = 3 then reason_text end) as top_reason_3,
        max(case when reason_rank = 3 then reason_points end) as top_reason_3_points
    from ranked_reasons
    where reason_rank <= 3
    group by model_id, lead_id
),

final as (
    select
        banded.lead_id,
        banded.model_id,
        {{ score_date() }} as score_date,
        banded.crm_record_id,
        banded.account_id,
        banded.behavioral_points,
        banded.firmographic_points,
        banded.negative_points,
        banded.total_score,
        banded.fit_grade,
        cast(banded.engagement_tier as integer) as engagement_tier,
        {{ dbt.concat(['banded.fit_grade', 'cast(banded.engagement_tier as ' ~ dbt.type_string() ~ ')']) }}
            as score_label,
        case when banded.is_disqualified then 'disqualified' else banded.score_status end as score_status,
        banded.is_disqualified,
        cast(banded.rules_fired as integer) as rules_fired,
        top_reasons.top_reason_1,
        top_reasons.top_reason_1_points,
        top_reasons.top_reason_2,
        top_reasons.top_reason_2_points,
        top_reasons.top_reason_3,
        top_reasons.top_reason_3_points,
        banded.last_activity_at,
        cast(banded.days_since_last_activity as integer) as days_since_last_activity
    from banded
    left join top_reasons
        on banded.model_id = top_reasons.model_id
            and banded.lead_id = top_reasons.lead_id
)

select * from final
