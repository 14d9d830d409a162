{{ config(materialized='view') }}  {#- read once, by lead_score_explanations: a table would write every reason twice #}
-- The ledger of the score date in words: every rule that fired for a lead, with the reason a
-- salesperson reads, e.g. "Requested a demo 6 days ago (+44)".
with

contributions as (
    -- The day's rows and the static ones: every lead exists on the score date (later ones are quarantined).
    select * from {{ ref('int_lead_rule_contributions') }}
    where as_of_date = {{ score_date() }} or as_of_date is null
),

rules as (
    select * from {{ ref('int_scoring_rules') }}
),

templated as (
    select
        contributions.*,
        rules.reason_template
    from contributions
    inner join rules
        on contributions.model_id = rules.model_id
            and contributions.rule_id = rules.rule_id
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
    from templated
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
)

select * from final
