{% macro highest_band(scores, bands, band_column, threshold_column, score_column, extra_condition='true') -%}
    {#-
        Every row of `scores` (keyed by model_id, lead_id) with one more column, `band_column`: the band of
        `bands` with the highest threshold the score reaches (a null threshold is the floor every score
        reaches). Rows are carried forward rather than joined back, so chained bands never self-join.
    -#}
    {{ return(adapter.dispatch('highest_band', 'leadscore')(scores, bands, band_column, threshold_column, score_column, extra_condition)) }}
{%- endmacro %}

{% macro default__highest_band(scores, bands, band_column, threshold_column, score_column, extra_condition) -%}
    select *
    from (
        select
            {{ scores }}.*,
            {{ bands }}.{{ band_column }},
            row_number() over (
                partition by {{ scores }}.model_id, {{ scores }}.lead_id
                order by {{ bands }}.{{ threshold_column }} desc nulls last
            ) as {{ band_column }}_rank
        from {{ scores }}
        inner join {{ bands }}
            on {{ scores }}.model_id = {{ bands }}.model_id
            and ({{ bands }}.{{ threshold_column }} is null or {{ scores }}.{{ score_column }} >= {{ bands }}.{{ threshold_column }})
            and {{ extra_condition }}
    ) as ranked_bands
    where {{ band_column }}_rank = 1
{%- endmacro %}

{% macro postgres__highest_band(scores, bands, band_column, threshold_column, score_column, extra_condition) -%}
    {#- distinct on: PostgreSQL estimates `where rank = 1` over a window at 0.5% of the rows and then plans
        nested loops; distinct on is estimated from the number of groups. -#}
    select distinct on ({{ scores }}.model_id, {{ scores }}.lead_id)
        {{ scores }}.*,
        {{ bands }}.{{ band_column }}
    from {{ scores }}
    inner join {{ bands }}
        on {{ scores }}.model_id = {{ bands }}.model_id
        and ({{ bands }}.{{ threshold_column }} is null or {{ scores }}.{{ score_column }} >= {{ bands }}.{{ threshold_column }})
        and {{ extra_condition }}
    order by {{ scores }}.model_id, {{ scores }}.lead_id, {{ bands }}.{{ threshold_column }} desc nulls last
{%- endmacro %}
