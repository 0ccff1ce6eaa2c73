"""What a statement may contain: one read-only query over the catalog's tables, nothing else."""

from __future__ import annotations

import re
import unicodedata

from sqlglot import exp

MAX_SQL_CHARS = 20_000
MAX_DEPTH = 60

# Anything that writes, changes state, reaches files or the network, or runs engine commands.
FORBIDDEN_NODES: tuple[type[exp.Expression], ...] = tuple(
    getattr(exp, name) for name in (
        "Insert", "Update", "Delete", "Merge", "Create", "Drop", "Alter", "Command", "Copy", "Pragma", "Set",
        "Attach", "Detach", "Install", "Use", "Export", "Into", "Transaction", "Commit", "Rollback", "Grant",
        "Revoke", "LoadData", "Analyze", "Cache", "Uncache", "Refresh", "Kill", "Describe", "Show", "Summarize",
        "ReadCSV", "ReadParquet", "Lock", "TruncateTable")
    if hasattr(exp, name))

# Functions that read files, reach other databases or the network, leak settings, or stall the server.
FORBIDDEN_FUNCTION = re.compile(
    r"^(read_\w+|\w+_scan|glob|query|query_table|getenv|current_setting|set_config|pg_\w+|lo_\w+|dblink\w*|"
    r"duckdb_\w+|pragma_\w+|sqlite_\w+|load_extension|httpfs\w*|http_\w+|url\w*|s3\w*|hdfs\w*|file\w*|"
    r"reflect|java_method|input_file_name|system|shell\w*|sleep\w*|pg_sleep|benchmark|version|current_version|current_user|"
    r"session_user|user|current_database|current_schema\w*|which_secret|iceberg_\w+|delta_\w+|parquet_\w+|"
    r"json_execute_serialized_sql|sql_auto_complete|list_\w*files|csv_\w+|make_\w*secret|inet_\w+|"
    r"txid_\w+|nextval|setval|currval|export_\w+|import_\w+|"
    r"summary|approx_count_distinct_\w+|getvariable|setvariable)$", re.IGNORECASE)

# Scalar and aggregate functions analysts use that sqlglot does not know by name.
ALLOWED_ANONYMOUS = {"nullif", "greatest", "least", "coalesce", "ifnull", "nvl", "round", "floor", "ceil",
                     "strftime", "strptime", "try_strptime", "date_part", "datepart", "to_char", "to_date", "left", "right",
                     "median", "mode", "quantile_cont", "quantile_disc", "percentile_cont", "string_agg",
                     "listagg", "group_concat", "regexp_matches", "regexp_replace", "split_part", "lpad", "rpad"}

# Characters that change how SQL looks without changing how it reads: refused outright.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_problem(sql: str) -> str | None:
    """A reason to refuse before parsing, or None."""
    if not sql or not sql.strip():
        return "empty"
    if len(sql) > MAX_SQL_CHARS:
        return "too_long"
    if INVISIBLE.search(sql) or CONTROL.search(sql):
        return "invisible_characters"
    if unicodedata.normalize("NFKC", sql) != sql and re.search(r"[\uff01-\uff5e]", sql):
        return "fullwidth_characters"  # Ｓ Ｅ Ｌ Ｅ Ｃ Ｔ tricks
    return None


def depth(node: exp.Expression) -> int:
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in current.iter_expressions())
    return deepest


def function_name(node: exp.Func) -> str:
    return (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()


def forbidden_function(node: exp.Func) -> bool:
    name = function_name(node)
    if isinstance(node, exp.Anonymous):
        return bool(FORBIDDEN_FUNCTION.match(name)) or name not in ALLOWED_ANONYMOUS
    return bool(FORBIDDEN_FUNCTION.match(name))


# -- resources: functions whose arguments decide how big their output is -------------------------
MAX_GENERATED = 10_000  # elements of range / generate_series, characters of repeat / lpad / rpad
_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 28, "months": 28, "quarter": 90, "quarters": 90,
         "year": 365, "years": 365}
_SERIES = tuple(getattr(exp, n) for n in ("GenerateSeries", "ExplodingGenerateSeries", "GenerateDateArray",
                                          "GenerateTimestampArray") if hasattr(exp, n))


def _number(node: exp.Expression | None) -> float | None:
    if isinstance(node, exp.Neg):
        inner = _number(node.this)
        return -inner if inner is not None else None
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return float(node.this)
        except ValueError:
            return None
    return None


def _date_ordinal(node: exp.Expression | None) -> int | None:
    """Days since year 1 of a literal date (DATE '2026-01-01', '2026-01-01'::DATE, a string)."""
    import datetime as dt

    while isinstance(node, exp.Cast | exp.TsOrDsToDate | exp.StrToDate):
        node = node.this
    if isinstance(node, exp.Literal) and node.is_string:
        try:
            return dt.date.fromisoformat(node.this[:10]).toordinal()
        except ValueError:
            return None
    return None


def _step_days(node: exp.Expression | None) -> float | None:
    """Days in a literal INTERVAL step (INTERVAL 1 MONTH, INTERVAL '7 days'); None otherwise."""
    if not isinstance(node, exp.Interval) or not isinstance(node.this, exp.Literal):
        return None
    text, unit = str(node.this.this).strip(), node.text("unit").lower()
    if not unit and len(text.split()) == 2:
        text, unit = text.split()[0], text.split()[1].lower()
    try:
        count = float(text)
    except ValueError:
        return None
    return count * _DAYS[unit] if count and unit in _DAYS else None


def _series_size(node: exp.Expression) -> float | None:
    start, end, step = node.args.get("start"), node.args.get("end"), node.args.get("step")
    a, b = _number(start), _number(end)
    if a is not None and b is not None:
        s = _number(step) if step is not None else 1.0
        return abs(b - a) / abs(s) + 1 if s else None
    a, b = _date_ordinal(start), _date_ordinal(end)
    s = _step_days(step) if step is not None else 1.0
    if a is not None and b is not None and s:
        return abs(b - a) / s + 1
    return None


def generator_problem(node: exp.Expression) -> str | None:
    """Why this call could build an unbounded value, or None. Sizes must be literals within bounds."""
    if isinstance(node, _SERIES):
        size = _series_size(node)
        if size is None:
            return "range / generate_series need literal bounds and step"
        return None if size <= MAX_GENERATED else f"range / generate_series of {size:,.0f} elements"
    size_arg = {exp.Repeat: "times", exp.Pad: "expression", exp.Space: "this"}.get(type(node))
    if size_arg is not None:
        n = _number(node.args.get(size_arg))
        if n is None:
            return f"{function_name(node)} needs a literal length"
        return None if n <= MAX_GENERATED else f"{function_name(node)} of {n:,.0f} characters"
    return None
