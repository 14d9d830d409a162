-- One row per event and event rule it satisfies that can still count on a day this run scores (inside the
-- rule's window on the first of them; any age for a rule without a window), with the lead's engagement
-- epoch at the time (how many engagement resets came before it). A daily run reads the last window's events.
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

resets as (
    select * from {{ ref('int_lead_engagement_resets') }}
),

days as (
    select * from {{ ref('int_score_dates') }}
),

first_scored_day as (
    select min(as_of_date) as first_day from days
),

type_windows as (
    -- Per event type, the longest window of its rules (null when one has none): an event older than that on
    -- the first scored day is dropped before it is paired with each rule of its type.
    select
        event_type,
        case when count(window_days) = count(*) then max(window_days) end as longest_window_days
    from rules
    group by event_type
),

recent_events as (
    select lead_events.*
    from lead_events
    inner join type_windows
        on lead_events.event_type = type_windows.event_type
    cross join first_scored_day
    where
        type_windows.longest_window_days is null
        or {{ dbt.dateadd('day', 'type_windows.longest_window_days', 'lead_events.occurred_date') }}
        >= first_scored_day.first_day
),

candidates as (
    select
        rules.model_id,
        rules.rule_id,
        rules.operator,
        rules.match_value,
        rules.value_min,
        rules.value_max,
        lead_events.lead_id,
        lead_events.event_id,
        lead_events.occurred_at,
        lead_events.occurred_date,
        case rules.match_field
            when 'url' then lead_events.url
            when 'form_name' then lead_events.form_name
            when 'campaign_id' then lower(lead_events.campaign_id)
        end as field_value
    from recent_events as lead_events
    inner join rules
        on lead_events.event_type = rules.event_type
    cross join first_scored_day
    where
        rules.window_days is null
        or {{ dbt.dateadd('day', 'rules.window_days', 'lead_events.occurred_date') }} >= first_scored_day.first_day
),

matched as (
    select candidates.*
    from candidates
    left join reference_lists
        on {{ reference_list_match('candidates', 'candidates.field_value', 'reference_lists') }}
    where {{ rule_matches(
        'candidates', 'candidates.field_value', 'cast(null as ' ~ type_double() ~ ')', 'reference_lists.list_value'
    ) }}
),

final as (
    select
        matched.model_id,
        matched.rule_id,
        matched.lead_id,
        matched.event_id,
        matched.occurred_at,
        matched.occurred_date,
        count(resets.reset_at) as engagement_epoch
    from matched
    left join resets
        on matched.lead_id = resets.lead_id
            and matched.occurred_at >= resets.reset_at
    group by
        matched.model_id,
        matched.rule_id,
        matched.lead_id,
        matched.event_id,
        matched.occurred_at,
        matched.occurred_date
)

select * from final
