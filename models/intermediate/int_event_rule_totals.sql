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
    -- A day's events count from that day to the last day of the rule's window (day N in, N + 1 out).
    select
        matches.model_id,
        matches.rule_id,
        matches.lead_id,
        matches.occurred_date,
        matches.engagement_epoch,
        coalesce(
            max({{ dbt.dateadd('day', 'rules.window_days', 'matches.occurred_date') }}),
            {{ score_date() }}
        ) as counts_until_date,
        count(*) as events,
        min(matches.occurred_at) as first_occurred_at,
        max(matches.occurred_at) as last_occurred_at
    from matches
    inner join rules
        on matches.model_id = rules.model_id
            and matches.rule_id = rules.rule_id
    group by
        matches.model_id,
        matches.rule_id,
        matches.lead_id,
        matches.occurred_date,
        matches.engagement_epoch
),

resets_seen as (
    -- How many times each recycled lead's engagement had restarted by the end of each scored day.
    select
        days.as_of_date,
        resets.lead_id,
        count(*) as engagement_epoch
    from days
    inner join resets
        on days.visible_before > resets.reset_at
    group by days.as_of_date, resets.lead_id
),

in_window as (
    -- Behavioural events from before the lead's latest engagement reset no longer count; fit and
    -- negative signals do.
    select
        days.as_of_date,
        daily_hits.*,
        rules.points,
        rules.award,
        rules.min_occurrences,
        rules.max_occurrences,
        rules.decay_type,
        rules.decay_days,
        {{ dbt.datediff(
            'daily_hits.occurred_date', 'days.as_of_date', 'day'
        ) }} as age_days
    from daily_hits
    inner join rules
        on daily_hits.model_id = rules.model_id
            and daily_hits.rule_id = rules.rule_id
    inner join days
        on daily_hits.occurred_date <= days.as_of_date
            and daily_hits.counts_until_date >= days.as_of_date
    left join resets_seen
        on daily_hits.lead_id = resets_seen.lead_id
            and days.as_of_date = resets_seen.as_of_date
    where
        rules.component <> 'behavioral'
        or daily_hits.engagement_epoch = coalesce(resets_seen.engagement_epoch, 0)
),

ranked as (
    -- Events of later days that the lead has for the same rule: the cap is filled from the newest day back.
    select
        in_window.*,
        sum(in_window.events) over (
            partition by in_window.as_of_date, in_window.model_id, in_window.rule_id, in_window.lead_id
            order by in_window.occurred_date desc
            rows between unbounded preceding and current row
        ) - in_window.events as newer_events
    from in_window
),

capped_events as (
    -- Only the max_occurrences most recent events earn points.
    select
        ranked.*,
        case
            when ranked.max_occurrences is null then ranked.events
            else greatest(0, least(ranked.events, ranked.max_occurrences - ranked.newer_events))
        end as paid_events
    from ranked
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
            else sum(
                    capped_events.points * capped_events.paid_events
                    * {{ decay_factor('capped_events.decay_type', 'capped_events.decay_days', 'capped_events.age_days') }}
                )
        end as uncapped_points
    from capped_events
    group by capped_events.as_of_date, capped_events.model_id, capped_events.rule_id, capped_events.lead_id
),

final as (
    select * from totals
)

select * from final
