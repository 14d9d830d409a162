-- One row per scoring model, event rule, lead and day it fired on (per engagement epoch): the day's events
-- and the last day they count, with what the occurrence cap needs. The part of the rule totals that does
-- not depend on the scored day, computed once per run instead of once per chunk of days.
with

matches as (
    select * from {{ ref('int_event_rule_matches') }}
),

rules as (
    select * from {{ ref('int_scoring_rules') }}
    where rule_type = 'event'
),

resets as (
    select * from {{ ref('int_lead_engagement_resets') }}
),

daily_hits as (
    select
        matches.model_id,
        matches.rule_id,
        matches.lead_id,
        matches.occurred_date,
        matches.engagement_epoch,
        count(*) as events,
        min(matches.occurred_at) as first_occurred_at,
        max(matches.occurred_at) as last_occurred_at
    from matches
    group by
        matches.model_id,
        matches.rule_id,
        matches.lead_id,
        matches.occurred_date,
        matches.engagement_epoch
),

numbered_resets as (
    select
        lead_id,
        reset_at,
        row_number() over (partition by lead_id order by reset_at) as reset_number
    from resets
),

numbered_hits as (
    -- Each (model, rule, lead)'s days with events, oldest first, up to the last day they count: the end of the
    -- rule's window (an N-day window: day N in, N + 1 out) and, for behavioural rules, the day before the lead's next engagement reset (events from
    -- before a reset no longer count; fit and negative signals do).
    select
        daily_hits.model_id,
        daily_hits.rule_id,
        daily_hits.lead_id,
        daily_hits.occurred_date,
        daily_hits.engagement_epoch,
        daily_hits.events,
        daily_hits.first_occurred_at,
        daily_hits.last_occurred_at,
        least(
            coalesce(cast({{ dbt.dateadd('day', 'rules.window_days', 'daily_hits.occurred_date') }} as date), {{ score_date() }}),
            case
                when rules.component = 'behavioral' and next_reset.reset_at is not null
                    then cast({{ dbt.dateadd('day', -1, 'cast(next_reset.reset_at as date)') }} as date)
                else {{ score_date() }}
            end
        ) as counts_until_date,
        rules.points,
        rules.award,
        rules.min_occurrences,
        rules.max_occurrences,
        rules.decay_type,
        rules.decay_days,
        row_number() over (
            partition by daily_hits.model_id, daily_hits.rule_id, daily_hits.lead_id
            order by daily_hits.occurred_date, daily_hits.engagement_epoch
        ) as hit_number,
        sum(daily_hits.events) over (
            partition by daily_hits.model_id, daily_hits.rule_id, daily_hits.lead_id
        ) as rule_events
    from daily_hits
    inner join rules
        on daily_hits.model_id = rules.model_id
            and daily_hits.rule_id = rules.rule_id
    left join numbered_resets as next_reset
        on daily_hits.lead_id = next_reset.lead_id
            and daily_hits.engagement_epoch + 1 = next_reset.reset_number
),

cap_bounds as (
    -- The occurrence cap pays a lead's max_occurrences most recent events. It can only bind when the lead has
    -- more events for the rule than that; once max_occurrences newer days with events have passed, nothing of
    -- a day is paid any more.
    select
        numbered_hits.*,
        numbered_hits.award = 'per_event'
        and numbered_hits.max_occurrences is not null
        and numbered_hits.rule_events > numbered_hits.max_occurrences as is_capped,
        unpaid_after.occurred_date as unpaid_from_date
    from numbered_hits
    left join numbered_hits as unpaid_after
        on numbered_hits.model_id = unpaid_after.model_id
            and numbered_hits.rule_id = unpaid_after.rule_id
            and numbered_hits.lead_id = unpaid_after.lead_id
            and numbered_hits.hit_number + numbered_hits.max_occurrences = unpaid_after.hit_number
),

final as (
    select
        model_id,
        rule_id,
        lead_id,
        hit_number,
        occurred_date,
        engagement_epoch,
        events,
        first_occurred_at,
        last_occurred_at,
        counts_until_date,
        points,
        award,
        min_occurrences,
        decay_type,
        decay_days,
        max_occurrences,
        is_capped,
        unpaid_from_date
    from cap_bounds
)

select * from final
