{% macro calibration_snapshot_dates() -%}
    {#- The calibration snapshot days: the first day of each of the last calibration_months months up to
        score_date, newest first, as Python dates. -#}
    {%- set one_day = modules.datetime.timedelta(days=1) -%}
    {%- set dates = [] -%}
    {%- set walk = namespace(month=score_date_value().replace(day=1)) -%}
    {%- for _ in range(var('calibration_months')) -%}
        {%- do dates.append(walk.month) -%}
        {%- set walk.month = (walk.month - one_day).replace(day=1) -%}
    {%- endfor -%}
    {{ return(dates) }}
{%- endmacro %}
