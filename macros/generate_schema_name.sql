{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- Layers land in schemas named for the layer (staging, intermediate, marts, seeds), the same on every target. -#}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
