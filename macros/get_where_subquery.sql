{% macro get_where_subquery(relation) -%}
    {#- dbt's `where` config of a generic test, plus one macro it cannot call from YAML: `where:
        "in_days_written(as_of_date)"` checks only the days this run scored (in_days_written; a `where` config is
        rendered without the project's macros or ref). Any other condition is applied as written. -#}
    {%- set where = config.get('where') -%}
    {%- if not where -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set days_written_call = modules.re.fullmatch('\s*in_days_written\(\s*(\w+)\s*\)\s*', where) -%}
    {%- if days_written_call -%}
        {%- set where = in_days_written(days_written_call.group(1)) -%}
    {%- endif -%}
    {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') as dbt_subquery') }}
{%- endmacro %}
