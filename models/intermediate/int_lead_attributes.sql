{{ config(materialized='view') }}  {#- read once, by int_attribute_rule_matches: a table would write 8 rows per lead each run #}
-- Lead attributes unpivoted to one row per lead and attribute, so one join evaluates every attribute rule.
with

leads as (
    select * from {{ ref('int_leads_enriched') }}
),

unpivoted as (
    {{ unpivot_attributes('leads', 'lead_id', lead_attributes()) }}
),

final as (
    select * from unpivoted
)

select * from final
