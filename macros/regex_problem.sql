{% macro regex_problem(pattern) -%}
    {#-
        Why a regular expression will not compile on DuckDB, PostgreSQL and Spark alike, or '' if it will.
        Jinja cannot catch an exception, so the usual mistakes are found by scanning: unbalanced
        brackets and parentheses, a quantifier with nothing to repeat, a trailing backslash.
    -#}
    {%- set state = namespace(depth=0, in_class=false, escaped=false, previous='', problem='') -%}
    {%- for ch in pattern -%}
        {%- if state.problem -%}
        {%- elif state.escaped -%}
            {%- set state.escaped = false -%}
            {%- set state.previous = 'x' -%}
        {%- elif ch == '\\' -%}
            {%- set state.escaped = true -%}
        {%- elif state.in_class -%}
            {%- if ch == ']' and state.previous != '[' -%}
                {%- set state.in_class = false -%}
                {%- set state.previous = 'x' -%}
            {%- else -%}
                {%- set state.previous = 'c' -%}
            {%- endif -%}
        {%- elif ch == '[' -%}
            {%- set state.in_class = true -%}
            {%- set state.previous = '[' -%}
        {%- elif ch == '(' -%}
            {%- set state.depth = state.depth + 1 -%}
            {%- set state.previous = '(' -%}
        {%- elif ch == ')' -%}
            {%- if state.depth == 0 -%}
                {%- set state.problem = 'unbalanced ) at position ' ~ loop.index0 -%}
            {%- endif -%}
            {%- set state.depth = state.depth - 1 -%}
            {%- set state.previous = 'x' -%}
        {%- elif ch in '*+?{' and state.previous in ['', '(', '|'] -%}
            {%- set state.problem = 'nothing to repeat at position ' ~ loop.index0 -%}
        {%- elif ch in '*+' and state.previous == 'q' -%}
            {%- set state.problem = 'multiple repeat at position ' ~ loop.index0 -%}
        {%- else -%}
            {%- set state.previous = 'q' if ch in '*+?' else ('|' if ch == '|' else 'x') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not state.problem -%}
        {%- if state.escaped -%}{%- set state.problem = 'trailing backslash' -%}
        {%- elif state.in_class -%}{%- set state.problem = 'unterminated character set [' -%}
        {%- elif state.depth > 0 -%}{%- set state.problem = 'missing )' -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(state.problem) }}
{%- endmacro %}
