{% macro default__unique_combination_failures(model, columns) -%}
select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{%- endmacro %}

{% macro duckdb__unique_combination_failures(model, columns) -%}
{#- Grouped first by a 64-bit hash of the key, a third of the key's width: on a history of hundreds of millions
    of rows the group-by spills that much less. Only the rows of hashes seen twice are grouped by the key itself,
    so a hash collision is never reported as a duplicate. -#}
with

repeated_hashes as (
    select hash({{ columns | join(', ') }}) as key_hash
    from {{ model }}
    group by 1
    having count(*) > 1
)

select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
where hash({{ columns | join(', ') }}) in (select repeated_hashes.key_hash from repeated_hashes)
group by {{ columns | join(', ') }}
having count(*) > 1
{%- endmacro %}
