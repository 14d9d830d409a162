-- One row per scored day, scoring model, event rule and lead it fired for: the events inside the rule's
-- window as of that day and the points they earn after decay and the per-rule occurrence cap.
-- Events are first summed per day (all events of a day have the same age, hence the same points),
-- so a long history costs days x active lead-days, not days x events.
with

matches as (
    select * from {{ ref('int_event_rule_matches') }}
),

rules as (
    select * from {{ ref('int_scoring_rules') }}
    where rule_type = 'event'
),

days as (
    select * from {{ ref('int_score_dates') }}
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

paid_without_ranking as (
    -- Days on which a day's events earn all their points (no cap can bind) or none (the cap is full of newer ones).
    select
        days.as_of_date,
        cap_bounds.*,
        case when cap_bounds.is_capped then 0 else cap_bounds.events end as paid_events
    from cap_bounds
    inner join days
        on case when cap_bounds.is_capped then cap_bounds.unpaid_from_date else cap_bounds.occurred_date end <= days.as_of_date
            and cap_bounds.counts_until_date >= days.as_of_date
),

paid_by_ranking as (
    -- The other days of capped rules: the cap is filled from the newest day back. Every newer day with events
    -- is in this set too, so the running sum sees them all.
    select
        days.as_of_date,
        cap_bounds.*,
        greatest(0, least(
            cap_bounds.events,
            cap_bounds.max_occurrences - sum(cap_bounds.events) over (
                partition by days.as_of_date, cap_bounds.model_id, cap_bounds.rule_id, cap_bounds.lead_id
                order by cap_bounds.occurred_date desc, cap_bounds.engagement_epoch desc
                rows between unbounded preceding and current row
            ) + cap_bounds.events
        )) as paid_events
    from cap_bounds
    inner join days
        on cap_bounds.occurred_date <= days.as_of_date
            and cap_bounds.counts_until_date >= days.as_of_date
            and (cap_bounds.unpaid_from_date is null or cap_bounds.unpaid_from_date > days.as_of_date)
    where cap_bounds.is_capped
),

capped_events as (
    select
        *,
        {{ dbt.datediff('occurred_date', 'as_of_date', 'day') }} as age_days
    from (
        select * from paid_without_ranking
        union all
        select * from paid_by_ranking
    ) as scored_days
),

totals as (
    -- A frequency rule (award once) fires when min_occurrences events fall inside its window and
    -- decays with its latest event.
    select
        capped_events.as_of_date,
        capped_events.model_id,
        capped_events.rule_id,
        capped_events.lead_id,
        sum(capped_events.events) as occurrences,
        min(capped_events.first_occurred_at) as first_fired_at,
        max(capped_events.last_occurred_at) as last_fired_at,
        min(capped_events.age_days) as days_since_last_fired,
        case
            when max(capped_events.award) = 'once'
                then case
                        when sum(capped_events.events) >= coalesce(max(capped_events.min_occurrences), 1)
                            then max(capped_events.points)
                                * max({{ decay_factor('capped_events.decay_type', 'capped_events.decay_days', 'capped_events.age_days') }})
                        else 0
                    end
            -- Summed as exact decimals: a sum of doubles depends on the order rows arrive in, and a rerun would
            -- then differ from a full refresh in the last digit.
            else cast(sum(cast(
                    capped_events.points * capped_events.paid_events
                    * {{ decay_factor('capped_events.decay_type', 'capped_events.decay_days', 'capped_events.age_days') }}
                    as decimal(28, 12)
                )) as {{ type_double() }})
        end as uncapped_points
    from capped_events
    group by capped_events.as_of_date, capped_events.model_id, capped_events.rule_id, capped_events.lead_id
),

final as (
    select * from totals
)

select * from final
