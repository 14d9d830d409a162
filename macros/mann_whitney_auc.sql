{% macro mann_whitney_auc(relation, group_columns, score_column, label_column) -%}
    {#-
        A query with one row per group of `relation`: rows, positives (label true) and the AUC of the score
        (the chance that a random positive scores above a random negative, ties counting half), by the
        Mann-Whitney rank sum with average ranks for ties: AUC = (R - P(P+1)/2) / (P N), R the sum of the
        positives' ranks. Rows are first counted per score, so it sorts distinct scores, not rows. Doubled,
        every term is an integer, and ratio() rounds it to 4 decimals alike on every engine; null when a
        group has no positive or no negative.
    -#}
    {%- set groups = group_columns | join(', ') %}
    select
        {{ groups }},
        cast(sum(score_rows) as bigint) as scored_rows,
        cast(sum(positives) as bigint) as positives,
        {{ ratio(
            'sum(positives * (2 * rows_below + score_rows + 1)) - sum(positives) * (sum(positives) + 1)',
            '2 * sum(positives) * (sum(score_rows) - sum(positives))',
            4,
        ) }} as auc
    from (
        select
            *,
            -- Rows scoring below this score: the tied rows hold ranks rows_below + 1 .. rows_below + score_rows.
            sum(score_rows) over (
                partition by {{ groups }} order by score rows between unbounded preceding and current row
            ) - score_rows as rows_below
        from (
            select
                {{ groups }},
                {{ score_column }} as score,
                count(*) as score_rows,
                count(case when {{ label_column }} then 1 end) as positives
            from {{ relation }}
            group by {{ groups }}, {{ score_column }}
        ) as score_counts
    ) as ranked
    group by {{ groups }}
{%- endmacro %}
