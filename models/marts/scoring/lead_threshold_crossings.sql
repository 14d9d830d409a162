-- One row per lead, scoring model and status band above the floor (e.g. mql, hot) that the lead has
-- reached: the first day of the score history on which its status was that band or a higher one.
with

history as (
    select * from {{ ref('lead_score_history') }}
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
        history.model_id,
        history.lead_id,
        history.as_of_date,
        history.total_score,
        bands.min_score as status_min_score
    from history
    inner join bands
        on history.model_id = bands.model_id
            and history.score_status = bands.score_status
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
