{% test unique_combination(model, columns) %}
{#- Fails with one row per combination of `columns` that occurs more than once (a composite key test). -#}
{{ adapter.dispatch('unique_combination_failures', 'leadscore')(model, columns) }}
{% endtest %}
