{% macro validate_scoring_rules(rules, model_ids, list_names) -%}
    {#-
        Checks every row of the scoring_rules seed (an agate table of text cells) and returns a list of
        messages, one per bad cell, each naming the rule and the column. Cells are only ever compared as
        values, never spliced into SQL; this check exists so that a typo fails loudly and early.
    -#}
    {%- set errors = [] -%}
    {%- set seen = [] -%}
    {%- set number = '^-?[0-9]+([.][0-9]+)?$' -%}
    {%- set whole = '^[0-9]+$' -%}
    {%- set components = ['behavioral', 'firmographic', 'negative'] -%}
    {%- set operators = ['equals', 'in', 'contains', 'regex', 'between', 'is_null'] -%}
    {%- set event_fields = ['url', 'form_name', 'campaign_id'] -%}
    {%- set attributes = {} -%}
    {%- do attributes.update(lead_attributes()) -%}
    {%- do attributes.update(daily_lead_attributes()) -%}
    {%- for row in rules.rows -%}
        {%- set r = {} -%}
        {%- for column in rules.column_names -%}
            {%- set cell = row[column] -%}
            {%- do r.update({column: (cell | string | trim) if cell is not none and (cell | string | trim) != '' else none}) -%}
        {%- endfor -%}
        {%- set where = 'rule ' ~ (r.model_id or '?') ~ '/' ~ (r.rule_id or '?') ~ ' (line ' ~ (loop.index + 1) ~ ')' -%}
        {%- if r.rule_id is none or not modules.re.match('^[a-z0-9_]+$', r.rule_id) -%}
            {%- do errors.append(where ~ ', column rule_id: ' ~ (r.rule_id or 'empty') ~ ' is not a lower-case identifier') -%}
        {%- endif -%}
        {%- if r.model_id not in model_ids -%}
            {%- do errors.append(where ~ ', column model_id: ' ~ (r.model_id or 'empty') ~ ' is not a model in scoring_models.csv') -%}
        {%- endif -%}
        {%- set key = (r.model_id or '') ~ '/' ~ (r.rule_id or '') -%}
        {%- if key in seen -%}
            {%- do errors.append(where ~ ', column rule_id: duplicate rule id within model ' ~ r.model_id) -%}
        {%- endif -%}
        {%- do seen.append(key) -%}
        {%- if r.component not in components -%}
            {%- do errors.append(where ~ ', column component: ' ~ (r.component or 'empty') ~ ' is not one of ' ~ components | join(', ')) -%}
        {%- endif -%}
        {%- if r.operator is not none and r.operator not in operators -%}
            {%- do errors.append(where ~ ', column operator: ' ~ r.operator ~ ' is not one of ' ~ operators | join(', ')) -%}
        {%- endif -%}
        {%- if r.rule_type == 'event' -%}
            {%- if r.event_type not in var('event_types') -%}
                {%- do errors.append(where ~ ', column event_type: ' ~ (r.event_type or 'empty') ~ ' is not a known event type (' ~ var('event_types') | join(', ') ~ ')') -%}
            {%- endif -%}
            {%- if r.operator is not none and r.match_field not in event_fields -%}
                {%- do errors.append(where ~ ', column match_field: ' ~ (r.match_field or 'empty') ~ ' is not an event field (' ~ event_fields | join(', ') ~ ')') -%}
            {%- endif -%}
            {%- if r.operator == 'between' -%}
                {%- do errors.append(where ~ ', column operator: between applies to numeric lead attributes, not to event fields') -%}
            {%- endif -%}
        {%- elif r.rule_type == 'attribute' -%}
            {%- if r.match_field not in attributes -%}
                {%- do errors.append(where ~ ', column match_field: ' ~ (r.match_field or 'empty') ~ ' is not a lead attribute (' ~ attributes.keys() | list | join(', ') ~ ')') -%}
            {%- elif r.operator == 'between' and attributes[r.match_field] != 'number' -%}
                {%- do errors.append(where ~ ', column operator: between needs a numeric attribute; ' ~ r.match_field ~ ' is text') -%}
            {%- endif -%}
            {%- if r.operator is none -%}
                {%- do errors.append(where ~ ', column operator: an attribute rule needs an operator') -%}
            {%- endif -%}
            {%- if r.award == 'per_event' or r.window_days or r.max_occurrences or r.min_occurrences -%}
                {%- do errors.append(where ~ ': award per_event, window_days, min_occurrences and max_occurrences apply to event rules only') -%}
            {%- endif -%}
        {%- else -%}
            {%- do errors.append(where ~ ', column rule_type: ' ~ (r.rule_type or 'empty') ~ ' is not one of event, attribute') -%}
        {%- endif -%}
        {%- if r.operator in ['equals', 'contains', 'regex', 'in'] and r.match_value is none -%}
            {%- do errors.append(where ~ ', column match_value: operator ' ~ r.operator ~ ' needs a value') -%}
        {%- endif -%}
        {%- if r.operator == 'in' and r.match_value is not none and r.match_value not in list_names -%}
            {%- do errors.append(where ~ ', column match_value: ' ~ r.match_value ~ ' is not a list in reference_lists.csv') -%}
        {%- endif -%}
        {%- if r.operator == 'regex' and r.match_value is not none -%}
            {%- set problem = regex_problem(r.match_value) -%}
            {%- if problem -%}
                {%- do errors.append(where ~ ', column match_value: regex ' ~ r.match_value ~ ' does not compile: ' ~ problem) -%}
            {%- endif -%}
        {%- endif -%}
        {%- if r.operator == 'between' and r.value_min is none and r.value_max is none -%}
            {%- do errors.append(where ~ ', columns value_min/value_max: between needs at least one bound') -%}
        {%- endif -%}
        {%- for column in ['points', 'value_min', 'value_max', 'max_points'] -%}
            {%- if r[column] is not none and not modules.re.match(number, r[column]) -%}
                {%- do errors.append(where ~ ', column ' ~ column ~ ': ' ~ r[column] ~ ' is not a number') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if r.points is none -%}
            {%- do errors.append(where ~ ', column points: empty') -%}
        {%- endif -%}
        {%- for column in ['window_days', 'decay_days', 'min_occurrences', 'max_occurrences'] -%}
            {%- if r[column] is not none and not modules.re.match(whole, r[column]) -%}
                {%- do errors.append(where ~ ', column ' ~ column ~ ': ' ~ r[column] ~ ' is not a whole number of at least 0') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if r.award not in ['per_event', 'once'] -%}
            {%- do errors.append(where ~ ', column award: ' ~ (r.award or 'empty') ~ ' is not one of per_event, once') -%}
        {%- endif -%}
        {%- if r.decay_type not in ['none', 'half_life', 'linear', 'step'] -%}
            {%- do errors.append(where ~ ', column decay_type: ' ~ (r.decay_type or 'empty') ~ ' is not one of none, half_life, linear, step') -%}
        {%- elif r.decay_type != 'none' and (r.decay_days is none or r.decay_days == '0') -%}
            {%- do errors.append(where ~ ', column decay_days: decay ' ~ r.decay_type ~ ' needs a number of days above 0') -%}
        {%- endif -%}
        {%- for column in ['is_disqualifier', 'is_active'] -%}
            {%- if (r[column] | string | lower) not in ['true', 'false'] -%}
                {%- do errors.append(where ~ ', column ' ~ column ~ ': ' ~ (r[column] or 'empty') ~ ' is not true or false') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if r.reason is none -%}
            {%- do errors.append(where ~ ', column reason: empty; a salesperson needs words') -%}
        {%- else -%}
            {%- for placeholder in modules.re.findall('[{][^}]*[}]', r.reason) -%}
                {%- if placeholder not in ['{n}', '{times}', '{ago}', '{value}'] -%}
                    {%- do errors.append(where ~ ', column reason: unknown placeholder ' ~ placeholder ~ ' (use {n}, {times}, {ago} or {value})') -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(errors) }}
{%- endmacro %}
