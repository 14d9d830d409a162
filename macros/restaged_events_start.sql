{% macro restaged_events_start() -%}
    {#- The first day of the events this run stamped in base_activity__events (new, late or re-decided rows that
        are, or may have displaced, a usable event), as a Python date; none when it wrote none. Scores of
        stored days from then on are out of date. -#}
    {%- if not execute or load_relation(ref('base_activity__events')) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set written = run_query(
        'select min(occurred_at) from ' ~ ref('base_activity__events')
        ~ " where staged_at = cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as timestamp)"
        ~ " and (quarantine_reason is null or quarantine_reason = 'duplicate_event_id')"
    ).columns[0].values()[0] -%}
    {{ return(written.date() if written is not none else none) }}
{%- endmacro %}
