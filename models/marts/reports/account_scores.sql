-- Accounts, not only leads: per account and scoring model, its best lead, the capped sum of its leads'
-- scores, its engaged contacts by seniority and how much of the buying group is engaged.
{%- set buying_group = var('buying_group_seniorities') %}
{%- set buying_group_list = "'" ~ buying_group | join("', '") ~ "'" %}
with

lead_scores as (
    select * from {{ ref('lead_scores') }}
    where account_id is not null
),

leads as (
    select * from {{ ref('int_leads_enriched') }}
),

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

account_leads as (
    -- Engaged: engagement tier 3 or better, the model's own bar for real engagement (engagement_tiers.csv).
    select
        lead_scores.model_id,
        lead_scores.account_id,
        lead_scores.lead_id,
        lead_scores.total_score,
        lead_scores.score_status,
        lead_scores.engagement_tier <= 3 as is_engaged,
        leads.seniority
    from lead_scores
    inner join leads
        on lead_scores.lead_id = leads.lead_id
),

rolled_up as (
    select
        model_id,
        account_id,
        count(*) as leads,
        max(total_score) as best_score,
        sum(case when total_score > 0 then total_score else 0 end) as positive_score_sum,
        count(case when score_status = 'hot' then 1 end) as hot_leads,
        count(case when score_status = 'mql' then 1 end) as mql_leads,
        count(case when score_status = 'nurture' then 1 end) as nurture_leads,
        count(case when score_status = 'disqualified' then 1 end) as disqualified_leads,
        count(case when is_engaged then 1 end) as engaged_leads,
        count(case when is_engaged and seniority = 'c_level' then 1 end) as engaged_c_level_leads,
        count(case when is_engaged and seniority = 'vp' then 1 end) as engaged_vp_leads,
        count(case when is_engaged and seniority = 'director' then 1 end) as engaged_director_leads,
        count(case when is_engaged and seniority = 'manager' then 1 end) as engaged_manager_leads,
        count(case when is_engaged and seniority = 'individual_contributor' then 1 end)
            as engaged_individual_contributor_leads,
        count(case
            when is_engaged and seniority not in ('c_level', 'vp', 'director', 'manager', 'individual_contributor') then 1
        end) as engaged_other_leads,
        count(distinct case
            when is_engaged and seniority in ({{ buying_group_list }}) then seniority
        end) as buying_group_roles_engaged
    from account_leads
    group by model_id, account_id
),

best_leads as (
    -- The best-scoring lead; ties go to the smallest lead_id.
    select
        rolled_up.model_id,
        rolled_up.account_id,
        min(account_leads.lead_id) as best_lead_id
    from rolled_up
    inner join account_leads
        on rolled_up.model_id = account_leads.model_id
            and rolled_up.account_id = account_leads.account_id
            and rolled_up.best_score = account_leads.total_score
    group by rolled_up.model_id, rolled_up.account_id
),

final as (
    select
        rolled_up.model_id,
        rolled_up.account_id,
        accounts.account_name,
        best_leads.best_lead_id,
        rolled_up.best_score,
        cast(least(rolled_up.positive_score_sum, {{ var('account_score_cap') }}) as integer) as account_score,
        case
            when rolled_up.hot_leads > 0 then 'hot'
            when rolled_up.mql_leads > 0 then 'mql'
            when rolled_up.nurture_leads > 0 then 'nurture'
            else 'disqualified'
        end as account_status,
        rolled_up.leads,
        rolled_up.hot_leads,
        rolled_up.mql_leads,
        rolled_up.nurture_leads,
        rolled_up.disqualified_leads,
        rolled_up.engaged_leads,
        rolled_up.engaged_c_level_leads,
        rolled_up.engaged_vp_leads,
        rolled_up.engaged_director_leads,
        rolled_up.engaged_manager_leads,
        rolled_up.engaged_individual_contributor_leads,
        rolled_up.engaged_other_leads,
        rolled_up.buying_group_roles_engaged,
        {{ ratio('rolled_up.buying_group_roles_engaged', buying_group | length, 2) }} as buying_group_coverage
    from rolled_up
    inner join best_leads
        on rolled_up.model_id = best_leads.model_id
            and rolled_up.account_id = best_leads.account_id
    left join accounts
        on rolled_up.account_id = accounts.account_id
)

select * from final
