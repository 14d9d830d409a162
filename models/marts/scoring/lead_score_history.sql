{{ config(**incremental_by('as_of_date')) }}
{#-
    Hysteresis: a lead enters a band when its score reaches the band's min_score (and fit grade), and
    leaves it only when the score falls below min_score - hysteresis_points (or the grade no longer
    qualifies). In between it keeps yesterday's band. Each band's state is the last decisive day
    (entered or left), found with a running max over day_number * 2 + decision, which needs no
    recursion. The run's first day takes its state from the stored history of the anchor day.
-#}
with

-- The daily scores read apart for each use, not as one CTE read twice, which DuckDB would materialize whole.
daily_scores as (
    select
        model_id,
        lead_id,
        as_of_date,
        total_score,
        fit_grade
    from {{ ref('int_lead_daily_scores') }}
    where is_history_day or is_anchor
),

history_day_scores as (
    select * from {{ ref('int_lead_daily_scores') }}
    where is_history_day
),

score_dates as (
    select * from {{ ref('int_score_dates') }}
),

score_thresholds as (
    select * from {{ ref('score_thresholds') }}
),

bands as (
    select
        model_id,
        score_status as band_status,
        min_score,
        min_fit_grade,
        coalesce(hysteresis_points, 0) as hysteresis_points
    from score_thresholds
    where min_score is not null
),

floor_bands as (
    select
        model_id,
        score_status as floor_status
    from score_thresholds
    where min_score is null
),

stored_anchor as (
    {%- if is_incremental() %}
        -- The band each lead held on the anchor day, as stored by the previous run.
        select
            previous_run.model_id,
            previous_run.lead_id,
            previous_run.as_of_date,
            score_thresholds.min_score as held_min_score
        from {{ this }} as previous_run
        left join score_thresholds
            on previous_run.model_id = score_thresholds.model_id
                and previous_run.banded_status = score_thresholds.score_status
        where previous_run.as_of_date in (
                select score_dates.as_of_date
                from score_dates
                where score_dates.is_anchor
            )
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as model_id,
            cast(null as {{ dbt.type_string() }}) as lead_id,
            as_of_date,
            cast(null as integer) as held_min_score
        from score_dates
        where 1 = 0
    {%- endif %}
),

first_days as (
    select
        daily_scores.*,
        stored_anchor.lead_id is not null as has_stored_anchor,
        daily_scores.as_of_date = min(daily_scores.as_of_date) over (
            partition by daily_scores.model_id, daily_scores.lead_id
        ) as is_first_day,
        -- A band above the lead's best score of these days, and above the band it held on the anchor day, is
        -- never held: most leads never reach one, and their band days need no tracking.
        max(daily_scores.total_score) over (partition by daily_scores.model_id, daily_scores.lead_id) as peak_score,
        max(stored_anchor.held_min_score) over (
            partition by daily_scores.model_id, daily_scores.lead_id
        ) as lead_anchor_held_min_score,
        {{ dbt.datediff(
            "cast('1970-01-01' as date)", 'daily_scores.as_of_date', 'day'
        ) }} as day_number
    from daily_scores
    left join stored_anchor
        on daily_scores.model_id = stored_anchor.model_id
            and daily_scores.lead_id = stored_anchor.lead_id
            and daily_scores.as_of_date = stored_anchor.as_of_date
),

decisions as (
    -- 1 = in the band from this day, 0 = out of it from this day, null = keeps the previous day's state.
    select
        first_days.model_id,
        first_days.lead_id,
        first_days.as_of_date,
        first_days.day_number,
        bands.band_status,
        bands.min_score,
        case
            when first_days.is_first_day and first_days.has_stored_anchor
                then case when first_days.lead_anchor_held_min_score >= bands.min_score then 1 else 0 end
            when
                first_days.total_score >= bands.min_score
                and (bands.min_fit_grade is null or first_days.fit_grade <= bands.min_fit_grade)
                then 1
            when first_days.is_first_day then 0
            when
                first_days.total_score < bands.min_score - bands.hysteresis_points
                or first_days.fit_grade > bands.min_fit_grade
                then 0
        end as decision
    from first_days
    inner join bands
        on
            first_days.model_id = bands.model_id
            and (
                first_days.peak_score >= bands.min_score
                or first_days.lead_anchor_held_min_score >= bands.min_score
            )
),

held as (
    select
        model_id,
        lead_id,
        as_of_date,
        min_score,
        max(case when decision is not null then day_number * 2 + decision end) over (
            partition by model_id, lead_id, band_status
            order by as_of_date
            rows between unbounded preceding and current row
        ) % 2 as is_held
    from decisions
),

held_levels as (
    select
        model_id,
        lead_id,
        as_of_date,
        max(case when is_held = 1 then min_score end) as held_min_score
    from held
    group by model_id, lead_id, as_of_date
),

final as (
    select
        history_day_scores.as_of_date,
        history_day_scores.model_id,
        history_day_scores.lead_id,
        history_day_scores.behavioral_points,
        history_day_scores.firmographic_points,
        history_day_scores.negative_points,
        history_day_scores.total_score,
        history_day_scores.fit_grade,
        history_day_scores.engagement_tier,
        {{ dbt.concat([
            'history_day_scores.fit_grade', 'cast(history_day_scores.engagement_tier as ' ~ dbt.type_string() ~ ')'
        ]) }} as score_label,
        history_day_scores.threshold_status,
        coalesce(bands.band_status, floor_bands.floor_status) as banded_status,
        case
            when history_day_scores.is_disqualified then 'disqualified'
            else coalesce(bands.band_status, floor_bands.floor_status)
        end as score_status,
        history_day_scores.is_disqualified,
        history_day_scores.rules_fired
    from history_day_scores
    left join held_levels
        on history_day_scores.model_id = held_levels.model_id
            and history_day_scores.lead_id = held_levels.lead_id
            and history_day_scores.as_of_date = held_levels.as_of_date
    inner join floor_bands
        on history_day_scores.model_id = floor_bands.model_id
    left join bands
        on held_levels.model_id = bands.model_id
            and held_levels.held_min_score = bands.min_score
)

select * from final
