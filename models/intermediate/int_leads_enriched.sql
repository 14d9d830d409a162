-- One row per surviving lead (merged duplicates folded in) with its company, persona and activity recency.
{#- A pattern that will not compile stops the build here with its line, not deep inside the database. -#}
{%- if execute and load_relation(ref('job_title_patterns')) is not none %}
    {%- set patterns = run_query('select priority, pattern from ' ~ ref('job_title_patterns') ~ ' order by priority') %}
    {%- for row in patterns.rows %}
        {%- set problem = regex_problem(row['pattern'] | string) %}
        {%- if problem %}
            {{ exceptions.raise_compiler_error(
                'seeds/job_title_patterns.csv, priority ' ~ row['priority'] ~ ', column pattern: regex '
                ~ row['pattern'] ~ ' does not compile: ' ~ problem
            ) }}
        {%- endif %}
    {%- endfor %}
{%- endif %}
with

leads as (
    select * from {{ ref('stg_crm__leads') }}
    where not is_merged_duplicate
),

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

job_title_patterns as (
    select * from {{ ref('job_title_patterns') }}
),

distinct_titles as (
    -- Titles repeat a lot; matching each distinct title once keeps the regex work small.
    select distinct job_title_normalised
    from leads
    where job_title_normalised is not null
),

title_matches as (
    -- The first pattern (by priority) that matches the title decides seniority and persona.
    select
        distinct_titles.job_title_normalised,
        job_title_patterns.seniority,
        job_title_patterns.persona,
        row_number() over (
            partition by distinct_titles.job_title_normalised order by job_title_patterns.priority
        ) as match_rank
    from distinct_titles
    inner join job_title_patterns
        on {{ regexp_like('distinct_titles.job_title_normalised', 'job_title_patterns.pattern') }}
),

joined as (
    select
        leads.lead_id,
        leads.crm_record_id,
        leads.account_id,
        leads.email,
        leads.email_domain,
        leads.job_title,
        coalesce(title_matches.seniority, 'unknown') as seniority,
        coalesce(title_matches.persona, 'unknown') as persona,
        leads.department,
        leads.lead_source,
        coalesce(leads.country_code, accounts.country_code) as country_code,
        accounts.industry,
        accounts.employee_count,
        accounts.annual_revenue,
        leads.owner_id,
        leads.created_at
    from leads
    left join accounts
        on leads.account_id = accounts.account_id
    left join title_matches
        on leads.job_title_normalised = title_matches.job_title_normalised
            and title_matches.match_rank = 1
),

final as (
    select * from joined
)

select * from final
