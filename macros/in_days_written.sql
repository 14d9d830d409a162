{% macro in_days_written(day_column) -%}
    {#- True for a row of a mart replaced by whole days when its day is one this run wrote (int_score_dates: all
        days on a first build or a full refresh). Tests check only those days: a kept day was checked by the run
        that wrote it. -#}
    {{ day_column }} in (select days_written.as_of_date from {{ ref('int_score_dates') }} as days_written)
{%- endmacro %}
