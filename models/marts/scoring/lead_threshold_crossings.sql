-- One row per lead, scoring model and status band above the floor (e.g. mql, hot) that the lead has
-- reached: the first day of the score history on which its status was that band or a higher one.
-- A band is first reached on the history's first day or on a day the status changed, so the statuses read are
-- those of the first day and the status changes (lead_score_changes), not every day of the history: a lead's
-- history days are contiguous, and its first day after the history's first is a change from nothing.
with

first_history_day as (
    select min(as_of_date) as as_of_date from {{ ref('lead_score_history') }}
),

status_days as (
    select
        first_day_scores.model_id,
        first_day_scores.lead_id,
        first_day_scores.as_of_date,
        first_day_scores.score_status
    from {{ ref('lead_score_history') }} as first_day_scores
    inner join first_history_day
        on first_day_scores.as_of_date = first_history_day.as_of_date
    union all
    select
        model_id,
        lead_id,
        as_of_date,
        score_status
    from {{ ref('lead_score_changes') }}
    where is_status_change
),

score_thresholds as (
    select * from {{ ref('score_thresholds') }}
),

bands as (
    select
        model_id,
        score_status,
        min_score
    from score_thresholds
    where min_score is not null
),

status_levels as (
    select
        status_days.model_id,
        status_days.lead_id,
        status_days.as_of_date,
        bands.min_score as status_min_score
    from status_days
    inner join bands
        on status_days.model_id = bands.model_id
            and status_days.score_status = bands.score_status
),

crossings as (
    select
        bands.model_id,
        status_levels.lead_id,
        bands.score_status,
        min(status_levels.as_of_date) as first_reached_date
    from status_levels
    inner join bands
        on status_levels.model_id = bands.model_id
            and status_levels.status_min_score >= bands.min_score
    group by bands.model_id, status_levels.lead_id, bands.score_status
),

final as (
    select * from crossings
)

select * from final
