{% macro grant_schema_usage() -%}
    {#-
        A post-hook: dbt's `grants` config gives its grantees select on the relation, but on PostgreSQL a
        reader also needs usage on the relation's schema. Grants usage on this model's schema to the
        model's select grantees (unquoted, as dbt's own grant statements name them), and renders nothing
        when there are none (DuckDB, or no reader role). Two models finishing at once would grant on the
        same schema concurrently, which PostgreSQL refuses ("tuple concurrently updated"); a lock held until
        the model's transaction commits takes them in turn.
    -#}
    {%- set grantees = (config.get('grants') or {}).get('select', []) -%}
    {%- if grantees -%}
        select pg_advisory_xact_lock(hashtext('leadscore.grant_schema_usage'));
        grant usage on schema {{ adapter.quote(this.schema) }} to {{ grantees | join(', ') }}
    {%- endif -%}
{%- endmacro %}
