{#-
    On DuckDB a build keeps a model as it is when nothing it is computed from changed since it was built: the
    project's code (every macro of leadscore, every node's file checksum and config, the dbt version), the
    vars the code reads (score_date resolved, so a new day rebuilds), and the data of every source and seed
    upstream of it (columns, row count and a sum of row hashes). A kept model is what a rebuild would write
    again: incremental builds equal a full refresh (tested), so its rows are a function of exactly those
    inputs. A kept table must also still hold the row count it was built with; --full-refresh rebuilds all.
    A data test whose models were all kept in the same invocation, and which found no failing rows on the
    same inputs before, passes without running; `dbt test` alone keeps no model, so it runs every test.
    A second build with no new data thus rebuilds and retests nothing.
-#}

{% materialization table, adapter='duckdb', supported_languages=['sql', 'python'] %}
    {{ return(build_unless_unchanged(dbt.materialization_table_duckdb)) }}
{% endmaterialization %}

{% materialization incremental, adapter='duckdb', supported_languages=['sql', 'python'] %}
    {{ return(build_unless_unchanged(dbt.materialization_incremental_duckdb)) }}
{% endmaterialization %}

{% materialization view, adapter='duckdb' %}
    {{ return(build_unless_unchanged(dbt.materialization_view_default)) }}
{% endmaterialization %}

{% macro build_unless_unchanged(build) -%}
    {#- Runs `build` (a materialization's body) unless the model's recorded fingerprint is the current one and
        its relation is still there (a table with the rows it was built with); then records the fingerprint. -#}
    {%- set fingerprint = build_fingerprint() -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- set is_view = config.get('materialized') == 'view' -%}
    {%- if var('keep_unchanged') and existing is not none and existing.type == ('view' if is_view else 'table')
        and not should_full_refresh() -%}
        {%- set recorded_rows = recorded_row_count(fingerprint) -%}
        {%- if recorded_rows is not none and recorded_rows == rows_held(existing) -%}
            {{ log(model.unique_id ~ ': kept, nothing it is computed from changed since it was built', info=True) }}
            {%- do invocation_cache('kept_nodes').update({model.unique_id: true}) -%}
            {%- call statement('main', auto_begin=False) -%}
                select {{ recorded_rows }} as kept_rows
            {%- endcall -%}
            {{ return({'relations': [existing]}) }}
        {%- endif -%}
    {%- endif -%}
    {%- do record_fingerprint(none) -%}
    {%- set result = build() -%}
    {%- do record_fingerprint(fingerprint, rows_held(this.incorporate(type='view' if is_view else 'table'))) -%}
    {{ return(result) }}
{%- endmacro %}

{% materialization test, adapter='duckdb' %}
    {#- Passes without running when every model it reads was kept by this invocation and it found no failing
        rows on the same inputs before (its sources' and seeds' data is in the fingerprint); runs otherwise, and
        always when it stores its failures or the build is a full refresh. -#}
    {%- set fingerprint = build_fingerprint() -%}
    {%- set rebuilt_models = [] -%}
    {%- for id in model.depends_on.nodes if id.startswith('model.') and id not in invocation_cache('kept_nodes') -%}
        {%- do rebuilt_models.append(id) -%}
    {%- endfor -%}
    {%- if var('keep_unchanged') and not flags.FULL_REFRESH and not should_store_failures() and not rebuilt_models
        and recorded_row_count(fingerprint) == 0 -%}
        {{ log(model.unique_id ~ ': its models were kept and it passed on the same inputs before; not run again') }}
        {%- call statement('main', fetch_result=True, auto_begin=False) -%}
            select 0 as failures, false as should_warn, false as should_error
        {%- endcall -%}
        {{ return({'relations': []}) }}
    {%- endif -%}
    {%- do record_fingerprint(none) -%}
    {%- set result = dbt.materialization_test_default() -%}
    {#- The test's query left a transaction open; the record must not be rolled back with it. -#}
    {%- do adapter.commit() -%}
    {%- if load_result('main').table.rows[0]['failures'] == 0 -%}
        {%- do record_fingerprint(fingerprint, 0) -%}
    {%- endif -%}
    {{ return(result) }}
{% endmaterialization %}

{% macro rows_held(relation) -%}
    {#- The rows a table holds; 0 for a view, which holds none (counting would run its query). -#}
    {{ return(0 if relation.type == 'view' else fingerprint_values('select count(*) from ' ~ relation)[0]) }}
{%- endmacro %}

{% macro recorded_row_count(fingerprint) -%}
    {#- The rows (a table's; a test's failing rows) recorded for this node with this fingerprint, or none. -#}
    {%- set recorded = fingerprint_values(
        'select row_count from ' ~ build_fingerprints_relation() ~ " where node_id = '" ~ model.unique_id
        ~ "' and fingerprint = '" ~ fingerprint ~ "'"
    ) -%}
    {{ return(recorded[0] if recorded else none) }}
{%- endmacro %}

{% macro record_fingerprint(fingerprint, row_count=none) -%}
    {#- Replaces this node's record; none forgets it (before a build, which may fail halfway). An --empty
        build's rows are not its inputs' rows: not recorded. -#}
    {%- call statement('record_fingerprint', auto_begin=False) -%}
        delete from {{ build_fingerprints_relation() }} where node_id = '{{ model.unique_id }}';
        {%- if fingerprint is not none and not flags.EMPTY %}
        insert into {{ build_fingerprints_relation() }}
        values ('{{ model.unique_id }}', '{{ fingerprint }}', {{ row_count }}, '{{ invocation_id }}', current_timestamp)
        {%- endif %}
    {%- endcall -%}
{%- endmacro %}

{% macro build_fingerprint() -%}
    {#- The md5 of everything the node's rows are computed from (see the top of this file). -#}
    {#- A view names the relations it reads with their catalog, which is named after the DuckDB file: a view in
        a copied file must be created again. A table holds rows, which do not depend on the file's name. -#}
    {{ return(local_md5(tojson({
        'node': model.unique_id,
        'view': this | string if config.get('materialized') == 'view' else none,
        'code_and_vars': digest_once(project_name, code_and_vars_digest),
        'inputs': upstream_data_digests(model.unique_id),
    }, sort_keys=True))) }}
{%- endmacro %}

{% macro code_and_vars_digest() -%}
    {#- The md5 of the dbt version, every macro of the project, every node's file checksum and config, and the
        value of every var the project's code reads (score_date resolved). -#}
    {%- set project_nodes = graph.nodes.values() | selectattr('package_name', 'equalto', project_name)
        | sort(attribute='unique_id') -%}
    {%- set code = [dbt_version] -%}
    {%- for name in leadscore.keys() | sort -%}
        {%- do code.append(leadscore[name].macro.macro_sql) -%}
    {%- endfor -%}
    {%- for node in project_nodes -%}
        {%- do code.append(node.unique_id ~ ' ' ~ node.checksum.checksum ~ ' ' ~ tojson(node.config, sort_keys=True)) -%}
    {%- endfor -%}
    {%- set var_names = modules.re.findall(
        "var\\(\\s*['\"]([A-Za-z_][A-Za-z0-9_]*)['\"]",
        (code + project_nodes | map(attribute='raw_code') | list) | join('\n')
    ) | unique | sort -%}
    {%- set vars = {'score_date_value': score_date_value() | string} -%}
    {%- for name in var_names | reject('equalto', 'keep_unchanged') -%}
        {%- do vars.update({name: var(name, none) | string}) -%}
    {%- endfor -%}
    {{ return(local_md5(code | join('\n') ~ tojson(vars, sort_keys=True))) }}
{%- endmacro %}

{% macro upstream_data_digests(node_id) -%}
    {#- {unique_id: digest} of the sources and seeds upstream of node_id (itself, if it is one). -#}
    {%- set upstream = invocation_cache('upstream_data_digests') -%}
    {%- if node_id not in upstream -%}
        {%- set node = graph.sources[node_id] if node_id in graph.sources else graph.nodes[node_id] -%}
        {%- set digests = {} -%}
        {%- if node.resource_type in ('source', 'seed') -%}
            {%- do digests.update({node_id: digest_once(node_id, data_digest, [node])}) -%}
        {%- endif -%}
        {%- for parent_id in ([] if node.resource_type == 'source' else node.depends_on.nodes) -%}
            {%- do digests.update(upstream_data_digests(parent_id)) -%}
        {%- endfor -%}
        {%- do upstream.update({node_id: digests}) -%}
    {%- endif -%}
    {{ return(upstream[node_id]) }}
{%- endmacro %}

{% macro data_digest(input) -%}
    {#- The md5 of a source or seed table's columns, row count and sum of row hashes. -#}
    {%- set relation = api.Relation.create(
        database=input.database, schema=input.schema, identifier=input.identifier or input.alias
    ) -%}
    {{ return(fingerprint_values(
        "select md5((select string_agg(column_name || ' ' || data_type, ', ' order by column_index)"
        ~ " from duckdb_columns() where database_name = '" ~ relation.database ~ "' and schema_name = '"
        ~ relation.schema ~ "' and table_name = '" ~ relation.identifier ~ "')"
        ~ " || ' ' || count(*) || ' ' || coalesce(sum(hash(input_rows)), 0)) from " ~ relation ~ ' as input_rows'
    )[0]) }}
{%- endmacro %}

{% macro digest_once(key, compute, arguments=[]) -%}
    {#- compute(*arguments), computed once per invocation. Two threads may compute it at once; both are equal. -#}
    {%- set digests = invocation_cache('digests') -%}
    {%- if key not in digests -%}
        {%- do digests.update({key: compute(*arguments)}) -%}
    {%- endif -%}
    {{ return(digests[key]) }}
{%- endmacro %}

{% macro invocation_cache(name) -%}
    {#- A dict that every node of this invocation shares: it lives in the graph dict, which an invocation builds
        once. Were the graph ever a copy per node, each node would see an empty cache: digests computed again,
        tests run again; slower, never wrong. -#}
    {%- if 'leadscore_' ~ name not in graph -%}
        {%- do graph.update({'leadscore_' ~ name: {}}) -%}
    {%- endif -%}
    {{ return(graph['leadscore_' ~ name]) }}
{%- endmacro %}

{% macro fingerprint_values(sql) -%}
    {#- The first column of sql's rows. Outside a transaction, as is every statement here: a transaction left
        open would be rolled back when the node ends, and with it a fingerprint recorded in it. -#}
    {%- call statement('fingerprint_values', fetch_result=True, auto_begin=False) -%}
        {{ sql }}
    {%- endcall -%}
    {{ return(load_result('fingerprint_values').table.columns[0].values()) }}
{%- endmacro %}

{% macro build_fingerprints_relation() -%}
    {{ return(api.Relation.create(
        database=target.database, schema=target.schema, identifier='leadscore_build_fingerprints'
    )) }}
{%- endmacro %}

{% macro create_build_fingerprints() -%}
    {#- An on-run-start hook: the table of the fingerprints recorded for models and tests. No primary key:
        DuckDB fails concurrent upserts of one key. Dispatched: DuckDB only, the one adapter whose
        materializations keep unchanged models. -#}
    {{ return(adapter.dispatch('create_build_fingerprints', 'leadscore')()) }}
{%- endmacro %}

{% macro default__create_build_fingerprints() -%}
{%- endmacro %}

{% macro duckdb__create_build_fingerprints() -%}
    create table if not exists {{ build_fingerprints_relation() }} (
        node_id varchar not null,
        fingerprint varchar not null,
        row_count bigint not null,
        invocation_id varchar not null,
        recorded_at timestamp not null
    )
{%- endmacro %}
