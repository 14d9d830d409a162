-- The band seeds (score_thresholds, fit_grades, engagement_tiers) are checked cell by cell and band by
-- band in Jinja (macros/validate_score_bands.sql) while this test compiles: a problem stops the build
-- with one line naming seed, line, model and rule, and `dbt build` then skips lead_scores, which reads
-- the seeds. Every check runs in Jinja, so once they pass the query has nothing left to find.
-- depends_on: {{ ref('scoring_models') }}
{%- set seeds = [
    ('score_thresholds', ref('score_thresholds'), 'score_status', 'min_score', ['hot', 'mql', 'nurture']),
    ('fit_grades', ref('fit_grades'), 'fit_grade', 'min_points', ['A', 'B', 'C', 'D']),
    ('engagement_tiers', ref('engagement_tiers'), 'engagement_tier', 'min_points', ['1', '2', '3', '4']),
] %}
{%- if execute and load_relation(ref('score_thresholds')) is not none %}
    {%- set models = run_query('select * from ' ~ ref('scoring_models')) %}
    {%- set grades = run_query('select * from ' ~ ref('fit_grades')) %}
    {%- set reports = [] %}
    {%- for seed, relation, band_column, threshold_column, ranks in seeds %}
        {%- set errors = validate_score_bands(
            seed, run_query('select * from ' ~ relation), band_column, threshold_column, ranks, models,
            grades if seed == 'score_thresholds' else none,
        ) %}
        {%- if errors %}
            {%- do reports.append('seeds/' ~ seed ~ '.csv has ' ~ errors | length ~ ' problem(s):\n  - ' ~ errors | join('\n  - ')) %}
        {%- endif %}
    {%- endfor %}
    {%- if reports %}
        {{ exceptions.raise_compiler_error(reports | join('\n')) }}
    {%- endif %}
{%- endif %}
select 1 as problem
where false
