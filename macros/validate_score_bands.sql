{% macro validate_score_bands(seed, rows, band_column, threshold_column, ranks, models, grades=none) -%}
    {#-
        Checks one band seed (score_thresholds, fit_grades or engagement_tiers; an agate table) and
        returns one message per problem, naming line, model, band, column and the rule broken. Bands
        turn a score into a label by "the highest minimum reached"; that is only well defined when each
        model has exactly one floor (empty minimum), no two bands share a minimum, and minimums fall
        with rank (`ranks`, best first). `grades` (the fit_grades table) is given for score_thresholds,
        whose min_fit_grade must name one of the model's grades; its sla_hours and hysteresis_points
        are checked when the seed has those columns.
    -#}
    {%- set errors = [] -%}
    {%- set number = '^[0-9]+([.][0-9]+)?$' -%}
    {%- set noun = {'score_thresholds': 'status', 'fit_grades': 'grade', 'engagement_tiers': 'tier'}[seed] -%}
    {%- set model_ids = [] -%}
    {%- set active_model_ids = [] -%}
    {%- for model in models.rows -%}
        {%- do model_ids.append(model['model_id'] | string) -%}
        {%- if (model['is_active'] | string | lower) == 'true' -%}
            {%- do active_model_ids.append(model['model_id'] | string) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set grades_of = {} -%}
    {%- for grade in (grades.rows if grades is not none else []) -%}
        {%- do grades_of.setdefault(grade['model_id'] | string, []).append(grade['fit_grade'] | string) -%}
    {%- endfor -%}

    {%- set missing = ['model_id', band_column, threshold_column] | reject('in', rows.column_names) | list -%}
    {%- if missing -%}
        {{ return(['the header has no column ' ~ missing | join(', ')]) }}
    {%- endif -%}

    {#- Cell checks; rows with a usable model, band and minimum are collected per model for the checks across bands. -#}
    {%- set bands_of = {} -%}
    {%- for row in rows.rows -%}
        {%- set r = {'line': loop.index + 1} -%}
        {%- for column in rows.column_names -%}
            {%- set cell = row[column] -%}
            {%- do r.update({column: (cell | string | trim) if cell is not none and (cell | string | trim) != '' else none}) -%}
        {%- endfor -%}
        {%- set where = noun ~ ' ' ~ (r.model_id or '?') ~ '/' ~ (r[band_column] or '?') ~ ' (line ' ~ r.line ~ ')' -%}
        {%- set ok = namespace(value=true) -%}
        {%- if r.model_id not in model_ids -%}
            {%- do errors.append(where ~ ', column model_id: ' ~ (r.model_id or 'empty') ~ ' is not a model in scoring_models.csv') -%}
            {%- set ok.value = false -%}
        {%- endif -%}
        {%- if r[band_column] not in ranks -%}
            {%- do errors.append(where ~ ', column ' ~ band_column ~ ': ' ~ (r[band_column] or 'empty') ~ ' is not one of ' ~ ranks | join(', ')) -%}
            {%- set ok.value = false -%}
        {%- endif -%}
        {%- for earlier in bands_of.get(r.model_id, []) if earlier[band_column] == r[band_column] -%}
            {%- do errors.append(where ~ ', column ' ~ band_column ~ ': ' ~ r[band_column] ~ ' appears twice for model ' ~ r.model_id ~ ' (also line ' ~ earlier.line ~ ')') -%}
            {%- set ok.value = false -%}
        {%- endfor -%}
        {%- if r[threshold_column] is not none and not modules.re.match(number, r[threshold_column]) -%}
            {%- do errors.append(where ~ ', column ' ~ threshold_column ~ ': ' ~ r[threshold_column] ~ ' is not a number of at least 0 (empty = the floor every lead reaches)') -%}
            {%- set ok.value = false -%}
        {%- endif -%}
        {%- for column in ['sla_hours', 'hysteresis_points'] if r.get(column) is not none and not modules.re.match(number, r[column]) -%}
            {%- do errors.append(where ~ ', column ' ~ column ~ ': ' ~ r[column] ~ ' is not a number of at least 0') -%}
            {%- do r.update({column: none}) -%}
        {%- endfor -%}
        {%- if grades is not none and r.get('min_fit_grade') is not none and r.min_fit_grade not in grades_of.get(r.model_id, []) -%}
            {%- do errors.append(where ~ ', column min_fit_grade: ' ~ r.min_fit_grade ~ ' is not a grade of model ' ~ r.model_id ~ ' in fit_grades.csv (' ~ grades_of.get(r.model_id, []) | join(', ') ~ ')') -%}
        {%- endif -%}
        {%- if ok.value -%}
            {%- do r.update({'rank': ranks.index(r[band_column]), 'minimum': (r[threshold_column] | float) if r[threshold_column] is not none else none}) -%}
            {%- do bands_of.setdefault(r.model_id, []).append(r) -%}
        {%- endif -%}
    {%- endfor -%}

    {#- Checks across the bands of each model. -#}
    {%- for model_id in active_model_ids if model_id not in bands_of -%}
        {%- do errors.append('model ' ~ model_id ~ ': active in scoring_models.csv but has no rows in ' ~ seed ~ '.csv') -%}
    {%- endfor -%}
    {%- for model_id, bands in bands_of.items() -%}
        {%- set label = {} -%}
        {%- for b in bands -%}
            {%- do label.update({b.line: noun ~ ' ' ~ model_id ~ '/' ~ b[band_column] ~ ' (line ' ~ b.line ~ ')'}) -%}
        {%- endfor -%}
        {%- set floors = bands | selectattr('minimum', 'none') | list -%}
        {%- if floors | length == 0 -%}
            {%- do errors.append('model ' ~ model_id ~ ': no floor ' ~ noun ~ ' (a row with empty ' ~ threshold_column ~ '); a lead below the lowest ' ~ threshold_column ~ ' would get no ' ~ noun) -%}
        {%- endif -%}
        {%- for b in floors[1:] -%}
            {%- do errors.append(label[b.line] ~ ', column ' ~ threshold_column ~ ': empty, but ' ~ label[floors[0].line] ~ ' is already the floor; two floors overlap') -%}
        {%- endfor -%}
        {%- set thresholded = bands | rejectattr('minimum', 'none') | list -%}
        {%- for b in thresholded -%}
            {%- set same = thresholded[:loop.index0] | selectattr('minimum', 'eq', b.minimum) | list -%}
            {%- if same -%}
                {%- do errors.append(label[b.line] ~ ', column ' ~ threshold_column ~ ': ' ~ b[threshold_column] ~ ' is also the ' ~ threshold_column ~ ' of ' ~ label[same[0].line] ~ '; two bands with one minimum overlap') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set ranked = bands | sort(attribute='rank') -%}
        {%- for better in ranked[:-1] -%}
            {%- set worse = ranked[loop.index] -%}
            {%- if better.minimum is none and worse.minimum is not none -%}
                {%- do errors.append(label[better.line] ~ ', column ' ~ threshold_column ~ ': empty makes ' ~ better[band_column] ~ ' the floor, but the worse ' ~ label[worse.line] ~ ' has a minimum; the floor must be the worst ' ~ noun) -%}
            {%- elif better.minimum is not none and worse.minimum is not none and worse.minimum > better.minimum -%}
                {%- do errors.append(label[worse.line] ~ ', column ' ~ threshold_column ~ ': ' ~ worse[threshold_column] ~ ' is above the ' ~ better[threshold_column] ~ ' of the better ' ~ label[better.line] ~ '; minimums must fall from ' ~ ranks[0] ~ ' to ' ~ ranks[-1]) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for b in floors if b.get('min_fit_grade') is not none -%}
            {%- do errors.append(label[b.line] ~ ', column min_fit_grade: the floor cannot demand a grade; a lead with a worse grade would get no ' ~ noun) -%}
        {%- endfor -%}
        {%- for b in thresholded if b.get('hysteresis_points') is not none -%}
            {%- set lower = thresholded | selectattr('minimum', 'lt', b.minimum) | sort(attribute='minimum') | list -%}
            {%- if lower and (b.hysteresis_points | float) >= b.minimum - lower[-1].minimum -%}
                {%- do errors.append(label[b.line] ~ ', column hysteresis_points: ' ~ b.hysteresis_points ~ ' is not smaller than the ' ~ '%g' | format(b.minimum - lower[-1].minimum) ~ ' points down to the next lower ' ~ label[lower[-1].line] ~ ' at ' ~ lower[-1][threshold_column] ~ '; a lead would keep ' ~ b[band_column] ~ ' below the minimum of ' ~ lower[-1][band_column]) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(errors) }}
{%- endmacro %}
