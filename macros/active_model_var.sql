{% macro active_model_var(name) -%}
    {#- The value of var `name`, checked at run time to be an active model of seeds/scoring_models.csv, as a
        quoted SQL literal: a mistyped model stops the build with the models there are, instead of an empty report. -#}
    {%- set model_id = var(name) | string -%}
    {%- set scoring_models = ref('scoring_models') -%}
    {#- Unchecked before the seed is loaded (sqlfluff compiles against an empty warehouse). -#}
    {%- if execute and load_relation(scoring_models) is not none -%}
        {%- set active = run_query(
            'select model_id from ' ~ scoring_models ~ ' where is_active order by model_id'
        ).columns[0].values() | list -%}
        {%- if model_id not in active -%}
            {{ exceptions.raise_compiler_error(
                'var ' ~ name ~ ' is ' ~ model_id ~ ', which is not an active model of seeds/scoring_models.csv ('
                ~ active | join(', ') ~ ')'
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{- return("'" ~ model_id ~ "'") -}}
{%- endmacro %}
