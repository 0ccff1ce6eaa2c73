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
                     "strftime", "strptime", "date_part", "datepart", "to_char", "to_date", "left", "right",
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
