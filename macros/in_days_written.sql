{% macro in_days_written(day_column) -%}
    {#- True for a row of a mart replaced by whole days when its day is one this run scored (int_score_dates: the
        days it wrote and the anchor day before them; all days on a first build or a full refresh). Tests check only
        those days: a kept day was checked by the run that wrote it. int_score_dates is named from the graph, not
        ref(): a test's `where` config (get_where_subquery) cannot add a dependency, and every mart filtered this
        way is built from int_score_dates. -#}
    {%- if execute -%}
        {%- set score_dates = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
            | selectattr('package_name', 'equalto', 'leadscore') | selectattr('name', 'equalto', 'int_score_dates')
            | first -%}
        {{ day_column }} in (select days_written.as_of_date from {{ score_dates.relation_name }} as days_written)
    {%- else -%}
        {{ day_column }} is not null
    {%- endif -%}
{%- endmacro %}
