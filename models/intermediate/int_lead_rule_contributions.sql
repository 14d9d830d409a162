-- The ledger: one row per lead, scoring model and rule that fired, with the points it adds and why.
-- Every point of every score is the sum of these rows.
with

rules as (
    select * from {{ ref('int_scoring_rules') }}
),

event_matches as (
    select * from {{ ref('int_event_rule_matches') }}
),

attribute_matches as (
    select * from {{ ref('int_attribute_rule_matches') }}
),

event_rule_totals as (
    -- Caps: only the max_occurrences most recent events earn points; a frequency rule (award once)
    -- fires when min_occurrences events fall inside its window and decays with its latest event.
    select
        event_matches.model_id,
        event_matches.rule_id,
        event_matches.lead_id,
        count(*) as occurrences,
        min(event_matches.occurred_at) as first_fired_at,
        max(event_matches.occurred_at) as last_fired_at,
        min(event_matches.age_days) as days_since_last_fired,
        cast(null as {{ dbt.type_string() }}) as matched_value,
        case
            when max(rules.award) = 'once'
                then case
                        when count(*) >= coalesce(max(rules.min_occurrences), 1)
                            then max(rules.points)
                                * max(case when event_matches.recency_rank = 1 then event_matches.decay_factor end)
                        else 0
                    end
            else sum(
                    case
                        when rules.max_occurrences is null or event_matches.recency_rank <= rules.max_occurrences
                            then rules.points * event_matches.decay_factor
                        else 0
                    end
                )
        end as uncapped_points
    from event_matches
    inner join rules
        on event_matches.model_id = rules.model_id
            and event_matches.rule_id = rules.rule_id
    group by event_matches.model_id, event_matches.rule_id, event_matches.lead_id
),

attribute_rule_totals as (
    select
        attribute_matches.model_id,
        attribute_matches.rule_id,
        attribute_matches.lead_id,
        1 as occurrences,
        cast(null as timestamp) as first_fired_at,
        cast(null as timestamp) as last_fired_at,
        cast(null as integer) as days_since_last_fired,
        attribute_matches.matched_value,
        rules.points as uncapped_points
    from attribute_matches
    inner join rules
        on attribute_matches.model_id = rules.model_id
            and attribute_matches.rule_id = rules.rule_id
),

rule_totals as (
    select * from event_rule_totals
    union all
    select * from attribute_rule_totals
),

capped as (
    select
        rule_totals.*,
        rules.component,
        rules.is_disqualifier,
        rules.reason_template,
        case
            when rules.max_points is null then rule_totals.uncapped_points
            when rule_totals.uncapped_points >= 0 then least(rule_totals.uncapped_points, abs(rules.max_points))
            else greatest(rule_totals.uncapped_points, -abs(rules.max_points))
        end as points
    from rule_totals
    inner join rules
        on rule_totals.model_id = rules.model_id
            and rule_totals.rule_id = rules.rule_id
),

worded as (
    -- Placeholders of the reason template in words: {times} once / twice / 3 times,
    -- {ago} today / yesterday / 5 days ago.
    select
        *,
        case
            when occurrences = 1 then 'once'
            when occurrences = 2 then 'twice'
            else {{ dbt.concat(['cast(occurrences as ' ~ dbt.type_string() ~ ')', "' times'"]) }}
        end as times_in_words,
        case
            when days_since_last_fired is null then ''
            when days_since_last_fired = 0 then 'today'
            when days_since_last_fired = 1 then 'yesterday'
            else {{ dbt.concat(['cast(days_since_last_fired as ' ~ dbt.type_string() ~ ')', "' days ago'"]) }}
        end as ago_in_words
    from capped
),

explained as (
    select
        *,
        cast({{ round_number('points', 0) }} as integer) as display_points,
        replace(
            replace(
                replace(
                    replace(reason_template, '{n}', cast(occurrences as {{ dbt.type_string() }})),
                    '{times}', times_in_words
                ),
                '{ago}', ago_in_words
            ),
            '{value}', coalesce(matched_value, '')
        ) as reason
    from worded
),

final as (
    select
        model_id,
        lead_id,
        rule_id,
        component,
        occurrences,
        first_fired_at,
        last_fired_at,
        days_since_last_fired,
        matched_value,
        uncapped_points,
        points,
        is_disqualifier,
        {{ dbt.concat([
            'reason', "' ('",
            "case when display_points >= 0 then '+' else '' end",
            'cast(display_points as ' ~ dbt.type_string() ~ ')', "')'"
        ]) }} as reason_text
    from explained
    where points <> 0 or is_disqualifier
)

select * from final
