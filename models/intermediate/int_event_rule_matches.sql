-- One row per event and event rule it satisfies inside the rule's window, with its age, decay and
-- recency rank (1 = the lead's most recent match of that rule), as of the score date.
with

lead_events as (
    select * from {{ ref('int_lead_events') }}
),

rules as (
    select * from {{ ref('int_scoring_rules') }}
    where rule_type = 'event'
),

reference_lists as (
    select * from {{ ref('reference_lists') }}
),

candidates as (
    select
        rules.model_id,
        rules.rule_id,
        rules.operator,
        rules.match_value,
        rules.value_min,
        rules.value_max,
        rules.window_days,
        rules.decay_type,
        rules.decay_days,
        lead_events.lead_id,
        lead_events.event_id,
        lead_events.occurred_at,
        case rules.match_field
            when 'url' then lead_events.url
            when 'form_name' then lead_events.form_name
            when 'campaign_id' then lower(lead_events.campaign_id)
        end as field_value,
        {{ dbt.datediff('lead_events.occurred_date', score_date(), 'day') }} as age_days
    from lead_events
    inner join rules
        on lead_events.event_type = rules.event_type
),

matched as (
    select candidates.*
    from candidates
    left join reference_lists
        on candidates.operator = 'in'
            and candidates.match_value = lower(reference_lists.list_name)
            and candidates.field_value = lower(reference_lists.list_value)
    where
        {{ rule_matches(
            'candidates', 'candidates.field_value', 'cast(null as ' ~ type_double() ~ ')', 'reference_lists.list_value'
        ) }}
        and (candidates.window_days is null or candidates.age_days <= candidates.window_days)
),

final as (
    select
        model_id,
        rule_id,
        lead_id,
        event_id,
        occurred_at,
        age_days,
        {{ decay_factor('decay_type', 'decay_days', 'age_days') }} as decay_factor,
        row_number() over (
            partition by model_id, rule_id, lead_id order by occurred_at desc, event_id asc
        ) as recency_rank
    from matched
)

select * from final
