{{ config(**by_scored_day_chunks()) }}
-- One row per scored day, scoring model, event rule and lead it fired for: the events inside the rule's
-- window as of that day and the points they earn after decay and the per-rule occurrence cap.
-- Events are first summed per day (int_event_rule_hits: all events of a day have the same age, hence the
-- same points), so a long history costs days x active lead-days, not days x events.
with

hits as (
    -- Only the hits that count on a day of the chunk being built (a chunk's day filter cannot pass the range joins).
    select * from {{ ref('int_event_rule_hits') }}
    where {{ overlaps_chunk_days('occurred_date', 'counts_until_date') }}
),

days as (
    select * from {{ ref('int_score_dates') }}
),

paid_without_ranking as (
    -- Days on which a day's events earn all their points (no cap can bind) or none (the cap is full of newer ones).
    select
        days.as_of_date,
        hits.*,
        case when hits.is_capped then 0 else hits.events end as paid_events
    from hits
    inner join days
        on case when hits.is_capped then hits.unpaid_from_date else hits.occurred_date end <= days.as_of_date
            and hits.counts_until_date >= days.as_of_date
),

paid_by_ranking as (
    -- The other days of capped rules: the cap is filled from the newest day back. Every newer day with events
    -- is in this set too, so the running sum sees them all.
    select
        days.as_of_date,
        hits.*,
        greatest(0, least(
            hits.events,
            hits.max_occurrences - sum(hits.events) over (
                partition by days.as_of_date, hits.model_id, hits.rule_id, hits.lead_id
                order by hits.occurred_date desc, hits.engagement_epoch desc
                rows between unbounded preceding and current row
            ) + hits.events
        )) as paid_events
    from hits
    inner join days
        on hits.occurred_date <= days.as_of_date
            and hits.counts_until_date >= days.as_of_date
            and (hits.unpaid_from_date is null or hits.unpaid_from_date > days.as_of_date)
    where hits.is_capped
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
