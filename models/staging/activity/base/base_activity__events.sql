-- Every delivered event row, cleaned and bot-flagged, with the reason it cannot be used (null when it can).
-- Incremental, because events are the big table: a run adds the raw rows it has not stored yet and re-decides
-- every stored row those can change (copies of the same event_id, e-mails of a campaign sent anew, rows the new
-- score date makes visible), so it stores what a full refresh would. A first build treats everything as new.
{{ config(**incremental_by('event_id')) }}
{%- set lookback_start = event_lookback_start(source('activity', 'events')) if is_incremental() else none %}
{%- set in_lookback = "occurred_at >= cast('" ~ lookback_start.isoformat(sep=' ') ~ "' as timestamp) or occurred_at is null"
    if lookback_start else 'true' %}
{%- set cleaned = {
    'event_id': "nullif(trim(event_id), '')",
    'lead_id': "nullif(trim(lead_id), '')",
    'event_type': "lower(trim(event_type))",
    'occurred_at': "cast(occurred_at as timestamp)",
    'url': "nullif(lower(trim(url)), '')",
    'form_name': "nullif(lower(trim(form_name)), '')",
    'campaign_id': "nullif(trim(campaign_id), '')",
    'user_agent': "nullif(trim(user_agent), '')",
} %}
with

renamed as (
    select
        {{ cleaned.event_id }} as event_id,
        {{ cleaned.lead_id }} as lead_id,
        {{ cleaned.event_type }} as event_type,
        {{ cleaned.occurred_at }} as occurred_at,
        {{ cleaned.url }} as url,
        {{ cleaned.form_name }} as form_name,
        {{ cleaned.campaign_id }} as campaign_id,
        {{ cleaned.user_agent }} as user_agent
    from {{ source('activity', 'events') }}
    where {{ in_lookback }}
),

new_rows as (
    -- Raw rows of the lookback not stored yet, copy for copy: a row delivered twice is stored twice (the
    -- second copy as a duplicate), as a full refresh does.
    select * from renamed
    {%- if is_incremental() %}
        except all
        select
            event_id,
            lead_id,
            event_type,
            occurred_at,
            url,
            form_name,
            campaign_id,
            user_agent
        from {{ this }}
        where {{ in_lookback }}
    {%- endif %}
),

{%- if is_incremental() %}

first_new_sends as (
    select
        lead_id,
        campaign_id,
        min(occurred_at) as first_new_send_at
    from new_rows
    where event_type = 'email_sent'
    group by lead_id, campaign_id
),

first_stored_sends as (
    select
        stored.lead_id,
        stored.campaign_id,
        min(stored.occurred_at) as first_stored_send_at
    from {{ this }} as stored
    inner join first_new_sends
        on stored.lead_id = first_new_sends.lead_id
            and stored.campaign_id = first_new_sends.campaign_id
    where stored.event_type = 'email_sent'
    group by stored.lead_id, stored.campaign_id
),

new_campaign_sends as (
    -- Campaigns sent to a lead earlier than any stored send: only their stored rows get a new campaign_sent_at.
    select
        first_new_sends.lead_id,
        first_new_sends.campaign_id
    from first_new_sends
    left join first_stored_sends
        on first_new_sends.lead_id = first_stored_sends.lead_id
            and first_new_sends.campaign_id = first_stored_sends.campaign_id
    where
        first_stored_sends.first_stored_send_at is null
        or first_new_sends.first_new_send_at < first_stored_sends.first_stored_send_at
),

touched_event_ids as (
    -- New events, stored copies they may displace, stored opens and clicks of a campaign sent anew, and stored
    -- rows this run's score date makes visible (or, in a backfill, hides again).
    select event_id from new_rows
    union
    select stored.event_id
    from {{ this }} as stored
    inner join new_campaign_sends
        on stored.lead_id = new_campaign_sends.lead_id
            and stored.campaign_id = new_campaign_sends.campaign_id
    union
    select event_id from {{ this }}
    where
        (row_problem = 'occurred_after_score_date' and occurred_at < {{ score_cutoff() }})
        or (row_problem is null and occurred_at >= {{ score_cutoff() }})
),
{%- endif %}

rescored as (
    -- Every copy of every touched event id, stored or new, with what was decided for a stored copy before:
    -- the run replaces the stored ones. A first build has new rows only.
    {%- if is_incremental() %}
    select
        stored.event_id,
        stored.lead_id,
        stored.event_type,
        stored.occurred_at,
        stored.url,
        stored.form_name,
        stored.campaign_id,
        stored.user_agent,
        stored.is_bot as stored_is_bot,
        stored.quarantine_reason as stored_quarantine_reason,
        stored.staged_at as stored_staged_at
    from {{ this }} as stored
    inner join touched_event_ids
        on stored.event_id = touched_event_ids.event_id
    union all
    {%- endif %}
    select
        *,
        cast(null as boolean) as stored_is_bot,
        cast(null as {{ dbt.type_string() }}) as stored_quarantine_reason,
        cast(null as timestamp) as stored_staged_at
    from new_rows
),

{%- if is_incremental() %}

rescored_campaigns as (
    select distinct
        lead_id,
        campaign_id
    from rescored
),
{%- endif %}

campaign_sends as (
    -- When each lead was first sent each campaign it has rescored rows of, over stored and new rows.
    select
        delivered.lead_id,
        delivered.campaign_id,
        min(delivered.occurred_at) as campaign_sent_at
    from (
        {%- if is_incremental() %}
        select
            lead_id,
            campaign_id,
            occurred_at
        from {{ this }}
        where event_type = 'email_sent'
        union all
        {%- endif %}
        -- The lookback's raw sends (the new ones and stored ones) read again from the raw table, not from
        -- new_rows: DuckDB materializes a CTE read twice, which in a first build is every event, all columns.
        select
            {{ cleaned.lead_id }} as lead_id,
            {{ cleaned.campaign_id }} as campaign_id,
            {{ cleaned.occurred_at }} as occurred_at
        from {{ source('activity', 'events') }}
        where {{ cleaned.event_type }} = 'email_sent' and ({{ in_lookback }})
    ) as delivered
    {%- if is_incremental() %}
    inner join rescored_campaigns
        on delivered.lead_id = rescored_campaigns.lead_id
            and delivered.campaign_id = rescored_campaigns.campaign_id
    {%- endif %}
    group by delivered.lead_id, delivered.campaign_id
),

with_campaign_send as (
    -- A row without an event id is never used, so it is not given a send (and never needs rewriting).
    select
        rescored.*,
        case when rescored.event_id is not null then campaign_sends.campaign_sent_at end as campaign_sent_at
    from rescored
    left join campaign_sends
        on rescored.lead_id = campaign_sends.lead_id
            and rescored.campaign_id = campaign_sends.campaign_id
),

bot_flagged as (
    select
        *,
        -- A case, not an and: the regex then runs on e-mail opens and clicks only.
        case
            when event_type not in ('email_open', 'email_click') then false
            when {{ dbt.datediff('campaign_sent_at', 'occurred_at', 'second') }}
                between 0 and {{ var('bot_click_seconds') }} then true
            else coalesce({{ regexp_like("lower(user_agent)", "'" ~ var('bot_user_agent_pattern') ~ "'") }}, false)
        end as is_bot
    from with_campaign_send
),

checked as (
    select
        *,
        {{ first_failing_check([
            ["event_id is null", "missing_event_id"],
            ["lead_id is null", "missing_lead_id"],
            ["event_type is null or event_type not in ('" ~ var('event_types') | join("', '") ~ "')", "unknown_event_type"],
            ["occurred_at is null", "missing_occurred_at"],
            ["occurred_at >= " ~ score_cutoff(), "occurred_after_score_date"],
        ]) }} as row_problem
    from bot_flagged
),

deduplicated as (
    select
        *,
        -- Of identical copies, the one kept before stays kept: a tie that flipped would change two rows'
        -- decisions and rescore the day they happened on for nothing.
        {{ keep_first_valid(
            key='event_id',
            order_by='occurred_at, lead_id, event_type, url, form_name, campaign_id, user_agent,'
                ~ ' case when stored_staged_at is not null and stored_quarantine_reason is null then 0 else 1 end',
            duplicate_reason='duplicate_event_id',
        ) }} as quarantine_reason
    from checked
),

final as (
    select
        event_id,
        lead_id,
        event_type,
        occurred_at,
        url,
        form_name,
        campaign_id,
        user_agent,
        campaign_sent_at,
        is_bot,
        row_problem,
        quarantine_reason,
        -- A rewritten row decided as before keeps its stamp: only the days of new rows and of rows that
        -- changed between used and not used (or bot and human) are rescored downstream.
        case
            when
                stored_staged_at is not null
                and is_bot = stored_is_bot
                and coalesce(quarantine_reason, '') = coalesce(stored_quarantine_reason, '')
                then stored_staged_at
            else cast('{{ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') }}' as timestamp)
        end as staged_at
    from deduplicated
)

select * from final
