{% macro highest_band(scores, bands, band_column, threshold_column, score_column, extra_condition='true') -%}
    {#-
        Every row of `scores` (keyed by model_id, lead_id, as_of_date) with one more column, `band_column`: the band of
        `bands` with the highest threshold the score reaches (a null threshold is the floor every score
        reaches). Thresholds must be unique per model and not negative.
    -#}
    {{ return(adapter.dispatch('highest_band', 'leadscore')(scores, bands, band_column, threshold_column, score_column, extra_condition)) }}
{%- endmacro %}

{% macro default__highest_band(scores, bands, band_column, threshold_column, score_column, extra_condition) -%}
    {#- The highest threshold each row reaches, by aggregation (a row_number() window over millions of
        small partitions is many times slower in DuckDB), then that band by equality. -#}
    select
        {{ scores }}.*,
        {{ bands }}.{{ band_column }}
    from {{ scores }}
    left join (
        select
            {{ scores }}.model_id,
            {{ scores }}.lead_id,
            {{ scores }}.as_of_date,
            max({{ bands }}.{{ threshold_column }}) as reached_threshold
        from {{ scores }}
        inner join {{ bands }}
            on {{ scores }}.model_id = {{ bands }}.model_id
            and {{ scores }}.{{ score_column }} >= {{ bands }}.{{ threshold_column }}
            and {{ extra_condition }}
        group by {{ scores }}.model_id, {{ scores }}.lead_id, {{ scores }}.as_of_date
    ) as reached
        on {{ scores }}.model_id = reached.model_id
        and {{ scores }}.lead_id = reached.lead_id
        and {{ scores }}.as_of_date = reached.as_of_date
    inner join {{ bands }}
        on {{ scores }}.model_id = {{ bands }}.model_id
        and coalesce({{ bands }}.{{ threshold_column }}, -999999999) = coalesce(reached.reached_threshold, -999999999)
{%- endmacro %}

{% macro duckdb__highest_band(scores, bands, band_column, threshold_column, score_column, extra_condition) -%}
    {#- The highest threshold as a correlated subquery, which DuckDB evaluates once per distinct score (a few
        hundred), not per row; `scores` is read once, so a filter on the result reaches the scores' own
        source (a chunk of days, by_day_chunks) instead of waiting on a materialized copy of them. -#}
    select
        {{ scores }}.*,
        band.{{ band_column }}
    from {{ scores }}
    inner join {{ bands }} as band
        on {{ scores }}.model_id = band.model_id
        and coalesce(band.{{ threshold_column }}, -999999999) = coalesce((
            select max({{ bands }}.{{ threshold_column }})
            from {{ bands }}
            where
                {{ scores }}.model_id = {{ bands }}.model_id
                and {{ scores }}.{{ score_column }} >= {{ bands }}.{{ threshold_column }}
                and {{ extra_condition }}
        ), -999999999)
{%- endmacro %}

{% macro postgres__highest_band(scores, bands, band_column, threshold_column, score_column, extra_condition) -%}
    {#- distinct on: PostgreSQL estimates `where rank = 1` over a window at 0.5% of the rows and then plans
        nested loops; distinct on is estimated from the number of groups. -#}
    select distinct on ({{ scores }}.model_id, {{ scores }}.lead_id, {{ scores }}.as_of_date)
        {{ scores }}.*,
        {{ bands }}.{{ band_column }}
    from {{ scores }}
    inner join {{ bands }}
        on {{ scores }}.model_id = {{ bands }}.model_id
        and ({{ bands }}.{{ threshold_column }} is null or {{ scores }}.{{ score_column }} >= {{ bands }}.{{ threshold_column }})
        and {{ extra_condition }}
    order by {{ scores }}.model_id, {{ scores }}.lead_id, {{ scores }}.as_of_date, {{ bands }}.{{ threshold_column }} desc nulls last
{%- endmacro %}
