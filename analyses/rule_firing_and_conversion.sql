-- Where an analyst starts a weight review: for each rule of a model, how many leads it fired for,
-- its average points, and the share of those leads that became customers. Compile with
-- `dbt compile --select rule_firing_and_conversion` and run the SQL in target/compiled.
with

explanations as (
    select * from {{ ref('lead_score_explanations') }}
),

status_changes as (
    select * from {{ ref('stg_crm__lead_status_changes') }}
),

customers as (
    select distinct lead_id
    from status_changes
    where new_status = 'customer'
),

final as (
    select
        explanations.model_id,
        explanations.rule_id,
        explanations.component,
        count(*) as leads_fired,
        avg(explanations.exact_points) as avg_points,
        avg(case when customers.lead_id is null then 0.0 else 1.0 end) as customer_rate
    from explanations
    left join customers
        on explanations.lead_id = customers.lead_id
    group by explanations.model_id, explanations.rule_id, explanations.component
)

select * from final
order by model_id asc, customer_rate desc
