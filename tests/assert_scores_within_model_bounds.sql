-- Every subscore stays inside its model's declared bounds: engagement and fit between 0 and the
-- group cap, negative between the floor and 0.
select
    scores.model_id,
    scores.lead_id,
    scores.behavioral_points,
    scores.firmographic_points,
    scores.negative_points
from {{ ref('lead_scores') }} as scores
inner join {{ ref('scoring_models') }} as models
    on scores.model_id = models.model_id
where
    scores.behavioral_points not between 0 and models.behavioral_cap
    or scores.firmographic_points not between 0 and models.firmographic_cap
    or scores.negative_points not between models.negative_floor and 0
