{% macro highest_band(scores, bands, band_column, threshold_column, score_column, extra_condition='true') -%}
    {{ return(adapter.dispatch('highest_band', 'leadscore')(scores, bands, band_column, threshold_column, score_column, extra_condition)) }}
{%- endmacro %}

{% macro default__highest_band(scores, bands, band_column, threshold_column, score_column, extra_condition) -%}
    {#- For each (model_id, lead_id) in `scores`: the band with the highest threshold the score reaches.
        A band with a null threshold is the floor every score reaches. -#}
    select
        model_id,
        lead_id,
        {{ band_column }}
    from (
        select
            {{ scores }}.model_id,
            {{ scores }}.lead_id,
            {{ bands }}.{{ band_column }},
            row_number() over (
                partition by {{ scores }}.model_id, {{ scores }}.lead_id
                order by {{ bands }}.{{ threshold_column }} desc nulls last
            ) as band_rank
        from {{ scores }}
        inner join {{ bands }}
            on {{ scores }}.model_id = {{ bands }}.model_id
            and ({{ bands }}.{{ threshold_column }} is null or {{ scores }}.{{ score_column }} >= {{ bands }}.{{ threshold_column }})
            and {{ extra_condition }}
    ) as ranked_bands
    where band_rank = 1
{%- endmacro %}

{% macro postgres__highest_band(scores, bands, band_column, threshold_column, score_column, extra_condition) -%}
    {#- The same band via distinct on. PostgreSQL estimates `where band_rank = 1` over a window at 0.5% of
        the rows, so lead_scores, which joins three of these, was planned as nested loops over ~1 row
        and took 20-100 s for 3,000 leads; distinct on is estimated from the number of groups. -#}
    select distinct on ({{ scores }}.model_id, {{ scores }}.lead_id)
        {{ scores }}.model_id,
        {{ scores }}.lead_id,
        {{ bands }}.{{ band_column }}
    from {{ scores }}
    inner join {{ bands }}
        on {{ scores }}.model_id = {{ bands }}.model_id
        and ({{ bands }}.{{ threshold_column }} is null or {{ scores }}.{{ score_column }} >= {{ bands }}.{{ threshold_column }})
        and {{ extra_condition }}
    order by {{ scores }}.model_id, {{ scores }}.lead_id, {{ bands }}.{{ threshold_column }} desc nulls last
{%- endmacro %}
