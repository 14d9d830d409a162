-- The floor: the default model's scores as of one day (the variable score_date), in ONE hand-written DuckDB query
-- over the raw tables. The default model's rules, caps, grades, tiers and thresholds are hard-coded
-- below (a copy of seeds/scoring_rules.csv and friends for model_id = 'default'); the lookup seeds
-- (reference_lists, country_aliases, job_title_patterns) are read from the warehouse's seeds schema.
-- It repeats every step that moves a score: trimming and lower-casing, quarantine of bad rows (missing
-- keys, unknown types, malformed e-mails, rows after the score date), keep-first-valid de-duplication,
-- bot opens/clicks, merging leads by e-mail, engagement resets, windows, decay, occurrence caps,
-- frequency rules, inactivity, attribute rules, negative rules, group caps and rounding.
-- Not reproduced: status hysteresis (it needs the daily history), so the status compared is the
-- threshold status of the day (lead_scores.threshold_status) plus the disqualification.
-- leadscore.bench runs it; tests/python/test_floor_query.py checks it equals marts.lead_scores.
with

leads_checked as (
    select
        nullif(trim(l.lead_id), '') as lead_id,
        nullif(trim(l.account_id), '') as account_id,
        nullif(lower(trim(l.email)), '') as email,
        lower(trim(l.job_title)) as job_title,
        nullif(trim(l.country), '') as country_raw,
        cast(l.created_at as timestamp) as created_at,
        cast(l.updated_at as timestamp) as updated_at,
        nullif(trim(l.crm_record_id), '') as crm_record_id,
        nullif(lower(trim(l.email)), '') is null
        or not regexp_matches(nullif(lower(trim(l.email)), ''), '^[^@ ]+@[^@ ]+[.][^@ ]+$')
        or nullif(trim(l.lead_id), '') is null
        or l.created_at is null
        or cast(l.created_at as timestamp) >= (cast(getvariable('score_date') as date) + 1) as is_bad
    from raw.leads as l
),

deduplicated_leads as (
    -- Keep-first-valid: among the valid rows of one lead_id the newest wins.
    select *
    from leads_checked
    where not is_bad
    qualify row_number() over (
            partition by lead_id
            order by updated_at desc nulls last, created_at desc nulls last, email asc, crm_record_id asc
        ) = 1
),

valid_leads as (
    -- The same e-mail twice: the first-created lead survives.
    select
        *,
        first_value(lead_id) over (
            partition by email order by created_at, lead_id
            rows between unbounded preceding and unbounded following
        ) as canonical_lead_id
    from deduplicated_leads
),

valid_accounts as (
    select
        nullif(trim(a.account_id), '') as account_id,
        nullif(trim(a.industry), '') as industry,
        case when cast(a.employee_count as bigint) between 1 and 5000000 then cast(a.employee_count as bigint) end
            as employee_count,
        nullif(trim(a.country), '') as country_raw
    from raw.accounts as a
    where
        nullif(trim(a.account_id), '') is not null
        and a.created_at is not null
        and cast(a.created_at as timestamp) < (cast(getvariable('score_date') as date) + 1)
    qualify row_number() over (
            partition by nullif(trim(a.account_id), '')
            order by
                cast(a.created_at as timestamp) desc nulls last,
                nullif(trim(a.account_name), ''),
                nullif(replace(replace(replace(lower(trim(a.domain)), 'https://', ''), 'http://', ''), 'www.', ''), '')
        ) = 1
),

personas as (
    select
        t.job_title,
        arg_min(jtp.persona, jtp.priority) as persona
    from (
        select distinct job_title from valid_leads
        where job_title is not null
    ) as t
    inner join seeds.job_title_patterns as jtp
        on regexp_matches(t.job_title, jtp.pattern)
    group by t.job_title
),

lists as (
    select
        lower(list_name) as list_name,
        lower(list_value) as list_value
    from seeds.reference_lists
),

scored_leads as (
    -- The surviving leads with the attributes the default model's rules read.
    select
        vl.lead_id,
        vl.created_at,
        lower(va.industry) as industry,
        va.employee_count,
        coalesce(pr.persona, 'unknown') as persona,
        lower(coalesce(lca.country_code, aca.country_code)) as country_code,
        split_part(vl.email, '@', 2) as email_domain
    from valid_leads as vl
    left join valid_accounts as va on vl.account_id = va.account_id
    left join personas as pr on vl.job_title = pr.job_title
    left join seeds.country_aliases as lca on lower(vl.country_raw) = lca.country_alias
    left join seeds.country_aliases as aca on lower(va.country_raw) = aca.country_alias
    where vl.lead_id = vl.canonical_lead_id
),

events_cleaned as (
    select
        nullif(trim(e.event_id), '') as event_id,
        nullif(trim(e.lead_id), '') as lead_id,
        lower(trim(e.event_type)) as event_type,
        cast(e.occurred_at as timestamp) as occurred_at,
        nullif(lower(trim(e.url)), '') as url,
        nullif(lower(trim(e.form_name)), '') as form_name,
        nullif(trim(e.user_agent), '') as user_agent,
        min(case when lower(trim(e.event_type)) = 'email_sent' then cast(e.occurred_at as timestamp) end) over (
            partition by nullif(trim(e.lead_id), ''), nullif(trim(e.campaign_id), '')
        ) as campaign_sent_at
    from raw.events as e
),

valid_events as (
    select ec.*
    from events_cleaned as ec
    where
        ec.event_id is not null
        and ec.lead_id is not null
        and ec.event_type in (
            'page_view', 'email_sent', 'email_open', 'email_click', 'email_unsubscribe', 'email_bounce',
            'form_submit', 'webinar_attended'
        )
        and ec.occurred_at is not null
        and ec.occurred_at < (cast(getvariable('score_date') as date) + 1)
    qualify row_number() over (
            partition by ec.event_id order by ec.occurred_at, ec.lead_id, ec.event_type
        ) = 1
),

human_events as (
    -- Bot opens and clicks dropped; events attributed to the surviving lead of a merge.
    select
        vl.canonical_lead_id as lead_id,
        ve.event_type,
        ve.occurred_at,
        ve.url,
        ve.form_name,
        date_diff('day', cast(ve.occurred_at as date), cast(getvariable('score_date') as date)) as age_days
    from valid_events as ve
    inner join valid_leads as vl on ve.lead_id = vl.lead_id
    where not (
            ve.event_type in ('email_open', 'email_click')
            and (
                coalesce(date_diff('second', ve.campaign_sent_at, ve.occurred_at) between 0 and 10, false)
                or coalesce(regexp_matches(
                    lower(ve.user_agent), 'barracuda|mimecast|proofpoint|safelinks|defender|scanner|bot|spider|crawler'
                ), false)
            )
        )
),

valid_status_changes as (
    select
        nullif(trim(sc.lead_id), '') as lead_id,
        lower(trim(sc.new_status)) as new_status,
        cast(sc.changed_at as timestamp) as changed_at
    from raw.lead_status_changes as sc
    where
        nullif(trim(sc.status_change_id), '') is not null
        and nullif(trim(sc.lead_id), '') is not null
        and lower(trim(sc.new_status)) in (
            'mql', 'sales_accepted', 'sales_rejected', 'sql', 'opportunity', 'customer', 'closed_lost',
            'disqualified', 'recycled'
        )
        and sc.changed_at is not null
        and cast(sc.changed_at as timestamp) < (cast(getvariable('score_date') as date) + 1)
    qualify row_number() over (
            partition by nullif(trim(sc.status_change_id), '')
            order by cast(sc.changed_at as timestamp), nullif(trim(sc.lead_id), ''), lower(trim(sc.new_status))
        ) = 1
),

last_resets as (
    -- Engagement restarts when sales rejects, loses or recycles the lead.
    select
        vl.canonical_lead_id as lead_id,
        max(vsc.changed_at) as reset_at
    from valid_status_changes as vsc
    inner join valid_leads as vl on vsc.lead_id = vl.lead_id
    where vsc.new_status in ('sales_rejected', 'closed_lost', 'recycled')
    group by vl.canonical_lead_id
),

rules as (
    -- The default model's event rules; min_occurrences set = awarded once when that many events fall in the window.
    select
        r.rule_id,
        r.component,
        r.event_type,
        r.url_contains,
        r.form_name,
        r.points,
        r.window_days,
        r.half_life_days,
        r.max_occurrences,
        r.min_occurrences
    from (
        values
        ('pricing_page', 'behavioral', 'page_view', '/pricing', null, 15.0, 30, 14.0, 3, null),
        ('email_open', 'behavioral', 'email_open', null, null, 5.0, 90, 30.0, 4, null),
        ('email_click', 'behavioral', 'email_click', null, null, 10.0, 90, 30.0, 4, null),
        ('white_paper', 'behavioral', 'form_submit', null, 'white_paper', 20.0, 180, 60.0, 2, null),
        ('webinar', 'behavioral', 'webinar_attended', null, null, 20.0, 180, 60.0, 2, null),
        ('case_study', 'behavioral', 'page_view', '/case-studies', null, 15.0, 90, 30.0, 2, null),
        ('demo_request', 'behavioral', 'form_submit', null, 'demo_request', 50.0, 90, 30.0, 1, null),
        ('contact_us', 'behavioral', 'form_submit', null, 'contact_us', 30.0, 90, 30.0, 1, null),
        ('repeat_visits_7d', 'behavioral', 'page_view', null, null, 25.0, 7, null, null, 3),
        ('blog_view', 'behavioral', 'page_view', '/blog', null, 2.0, 30, null, 5, null),
        ('unsubscribed', 'negative', 'email_unsubscribe', null, null, -10.0, null, null, null, 1),
        ('email_bounced', 'negative', 'email_bounce', null, null, -10.0, null, null, null, 1),
        ('careers_page', 'negative', 'page_view', '/careers', null, -50.0, 90, null, null, 1)
    ) as r (
        rule_id, component, event_type, url_contains, form_name, points, window_days, half_life_days,
        max_occurrences, min_occurrences
    )
),

rule_events as (
    -- Behavioural events count only from the lead's latest engagement reset on.
    select
        he.lead_id,
        r.rule_id,
        r.component,
        cast(r.points as double) as points,
        r.max_occurrences,
        r.min_occurrences,
        coalesce(power(0.5, he.age_days / cast(r.half_life_days as double)), 1.0) as decay,
        row_number() over (partition by he.lead_id, r.rule_id order by he.occurred_at desc) as recency_rank,
        count(*) over (partition by he.lead_id, r.rule_id) as occurrences
    from human_events as he
    inner join rules as r
        on
            he.event_type = r.event_type
            and (r.url_contains is null or position(r.url_contains in he.url) > 0)
            and (r.form_name is null or he.form_name = r.form_name)
            and (r.window_days is null or he.age_days <= r.window_days)
    left join last_resets as lr on he.lead_id = lr.lead_id
    where r.component <> 'behavioral' or lr.reset_at is null or he.occurred_at >= lr.reset_at
),

event_points as (
    select
        lead_id,
        component,
        sum(points * decay) as points
    from rule_events
    where
        (min_occurrences is null and (max_occurrences is null or recency_rank <= max_occurrences))
        or (min_occurrences is not null and recency_rank = 1 and occurrences >= min_occurrences)
    group by lead_id, rule_id, component
),

last_activity as (
    select
        lead_id,
        max(occurred_at) as last_activity_at
    from human_events
    where event_type not in ('email_sent', 'email_bounce')
    group by lead_id
),

attribute_points as (
    select
        sl.lead_id,
        (case when ind.list_value is not null then 20 else 0 end)
        + (case when sl.employee_count between 200 and 5000 then 15 else 0 end)
        + (case when sl.persona = 'decision_maker' then 25 when sl.persona = 'end_user' then 10 else 0 end)
        + (case when tc.list_value is not null then 10 else 0 end) as firmographic,
        (case when date_diff('day', cast(coalesce(la.last_activity_at, sl.created_at) as date), cast(getvariable('score_date') as date)) >= 30
                then -20
            else 0
        end)
        + (case when pe.list_value is not null then -15 else 0 end)
        + (case when co.list_value is not null then -100 else 0 end)
        + (case when sl.persona = 'student' then -50 else 0 end)
        + (case when om.list_value is not null then -30 else 0 end) as negative,
        co.list_value is not null as is_disqualified
    from scored_leads as sl
    left join last_activity as la on sl.lead_id = la.lead_id
    left join lists as ind on ind.list_name = 'target_industries' and sl.industry = ind.list_value
    left join lists as tc on tc.list_name = 'target_countries' and sl.country_code = tc.list_value
    left join lists as om on om.list_name = 'out_of_market_countries' and sl.country_code = om.list_value
    left join lists as pe on pe.list_name = 'personal_email_domains' and sl.email_domain = pe.list_value
    left join lists as co on co.list_name = 'competitor_domains' and sl.email_domain = co.list_value
),

event_subscores as (
    select
        lead_id,
        sum(case when component = 'behavioral' then points else 0 end) as behavioral,
        sum(case when component = 'negative' then points else 0 end) as negative
    from event_points
    group by lead_id
),

subscores as (
    -- Group caps (behavioural and fit at most 100, negatives at least -200), then rounded half away from zero.
    select
        ap.lead_id,
        ap.is_disqualified,
        cast(
            round(least(coalesce(es.behavioral, 0), 100) + 1e-9 * sign(least(coalesce(es.behavioral, 0), 100)))
            as integer
        ) as behavioral_points,
        cast(least(ap.firmographic, 100) as integer) as firmographic_points,
        cast(round(
            greatest(ap.negative + coalesce(es.negative, 0), -200)
            + 1e-9 * sign(greatest(ap.negative + coalesce(es.negative, 0), -200))
        ) as integer) as negative_points
    from attribute_points as ap
    left join event_subscores as es on ap.lead_id = es.lead_id
),

final as (
    select
        lead_id,
        behavioral_points,
        firmographic_points,
        negative_points,
        behavioral_points + firmographic_points + negative_points as total_score,
        case
            when firmographic_points >= 55 then 'A' when firmographic_points >= 35 then 'B'
            when firmographic_points >= 15 then 'C' else 'D'
        end as fit_grade,
        case when behavioral_points >= 75 then 1 when behavioral_points >= 50 then 2
            when behavioral_points >= 25 then 3 else 4
        end as engagement_tier,
        case
            when behavioral_points + firmographic_points + negative_points >= 100 and firmographic_points >= 35
                then 'hot'
            when behavioral_points + firmographic_points + negative_points >= 50 and firmographic_points >= 15
                then 'mql'
            else 'nurture'
        end as threshold_status,
        is_disqualified
    from subscores
)

select * from final
