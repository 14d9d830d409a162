{% macro grant_schema_usage() -%}
    {#-
        A post-hook: dbt's `grants` config gives its grantees select on the relation, but on PostgreSQL a
        reader also needs usage on the relation's schema. Grants usage on this model's schema to the
        model's select grantees (unquoted, as dbt's own grant statements name them), and renders nothing
        when there are none (DuckDB, or no reader role).
    -#}
    {%- set grantees = (config.get('grants') or {}).get('select', []) -%}
    {%- if grantees -%}
        grant usage on schema {{ adapter.quote(this.schema) }} to {{ grantees | join(', ') }}
    {%- endif -%}
{%- endmacro %}
