"""Red team: no value of a column hidden from a role reaches that role, whatever the SQL's shape.

The proof is differential. Two copies of the demo warehouse differ *only* in the columns a role
may not see (numbers +1, text with a suffix, dates a day later, flags negated). Every statement
the guard lets through for that role must give the same result on both copies; any dependence on
a hidden value, through DuckDB's COLUMNS(), star patterns, a table used as a struct, or forms
nobody has thought of yet, shows up as a difference. The control test shows the copies do differ
where a hidden column is read without the guard, so the comparison can fail.
"""

from __future__ import annotations

import itertools
import shutil

import duckdb
import pytest
from sqlglot import exp

from chatbi.appdb import AppDB, AppDBError
from chatbi.core import ChatBI
from chatbi.service import ChatService
from chatbi.sqlguard import SqlGuard, SqlRejected
from chatbi.sqlguard.exposure import exposed_schema
from chatbi.warehouse import WarehouseError, connect
from metric_catalog.loader import load_catalog
from semantic_layer import User

CATALOG = load_catalog()
ANALYST = User("li", "analyst")
STAFF = User("li.na", "channel_staff", {"channel_id": "CH330100003"})
ROLES = {"analyst": ANALYST, "channel_staff": STAFF}

# The forms found by the last red-team round (issue: column-level bypass), as typed by an attacker.
REPRODUCTIONS = [
    "SELECT columns(*) FROM dim_city LIMIT 2",
    "SELECT dim_channel FROM dim_channel LIMIT 1",
    "SELECT sum(columns('billed_amount')) FROM fact_bill",
    "SELECT columns('staff_name') FROM dim_staff",
    "SELECT columns('.*') FROM fact_bill",
    "SELECT columns(c -> c LIKE '%amount%') FROM fact_bill",
    "SELECT * LIKE 'billed%' FROM fact_bill",
    "SELECT * SIMILAR TO 'b.*' FROM fact_bill",
    "SELECT t['population_10k'] FROM dim_city t",
    "SELECT (t).population_10k FROM dim_city t",
    "SELECT struct_extract(t, 'population_10k') FROM dim_city t",
    "SELECT unnest(t) FROM dim_city t",
    "SELECT struct_pack(t) FROM dim_city t",
    "SELECT count(*) FROM fact_bill WHERE columns('paid_amount') > 100",
    "SELECT columns(*) FROM fact_bill LIMIT 3",
    "SELECT #4 FROM dim_city",
    "SELECT *COLUMNS(*) FROM dim_city",
    "SELECT min(COLUMNS(*)) FROM dim_city",
    "SELECT to_json(t) FROM dim_city t",
    "SELECT row(t.*) FROM dim_city t",
    "SELECT {'x': t} FROM dim_city t",
    "SELECT x FROM (SELECT * FROM dim_city) x",
    "WITH c AS (SELECT * FROM dim_city) SELECT c FROM c",
    "SELECT list(t) FROM dim_city t",
    "SELECT population_10k FROM dim_city",
]
# Columns the analyst may read but channel staff may not (a denied dimension, a denied metric's input).
STAFF_HIDDEN = ["SELECT staff_name FROM dim_staff", "SELECT sum(billed_amount) FROM fact_bill",
                "SELECT bill_id, billed_amount FROM fact_bill"]
# Star forms sqlglot expands itself, over the role's columns only: answered, never with a hidden column.
EXPANDED = ["SELECT * ILIKE '%amount%' FROM fact_bill", "SELECT * EXCLUDE (bill_id) FROM fact_bill",
            "SELECT * REPLACE (arrears_amount * 2 AS arrears_amount) FROM fact_bill", "SELECT t.* FROM dim_city t"]
# Resources: each is refused before it runs, or stopped by the executor's size cap.
RESOURCES = [
    "SELECT range(1000000000)", "SELECT generate_series(1, 1000000000)", "SELECT range(1, bill_id) FROM fact_bill",
    "SELECT repeat('x', 1000000000)", "SELECT repeat(channel_id, bill_id) FROM fact_bill",
    "SELECT lpad('x', 1000000000, 'y')", "SELECT rpad(channel_id, 100000000, 'y') FROM fact_bill",
    "SELECT generate_series(DATE '1900-01-01', DATE '2900-01-01', INTERVAL 1 DAY)",
    "SELECT unnest(range(100000000))", "SELECT len(range(0, 1000000000, 1))",
]


# -- the two copies -----------------------------------------------------------------------------
def hidden_columns(warehouse_schema: dict, role: str) -> dict[str, dict[str, str]]:
    exposed = exposed_schema(CATALOG, warehouse_schema, CATALOG.roles[role])
    return {t: {c: ty for c, ty in cols.items() if c not in exposed.get(t, {})}
            for t, cols in warehouse_schema.items() if t in {n.lower() for n in CATALOG.tables}}


def shifted(column: str, dtype: str, on: bool) -> str:
    """The same column, or (``on``) a different value of the same type wherever it is not NULL."""
    q = f'"{column}"'
    t = dtype.upper()
    if not on:
        return q
    if t.startswith(("VARCHAR", "TEXT", "STRING")):
        return f"{q} || '~'"
    if t == "BOOLEAN":
        return f"NOT {q}"
    if t.startswith("TIMESTAMP"):
        return f"{q} + INTERVAL 1 DAY"
    if t == "DATE":
        return f"{q} + 1"
    return f"CAST({q} + 1 AS {dtype})"


def build_copy(source, target, schema: dict, hidden: dict, on: bool) -> None:
    """Both copies are rewritten the same way (so rows keep one physical order); only ``on`` changes values."""
    shutil.copy(source, target)
    with duckdb.connect(str(target), config={"threads": 1}) as con:
        for table, columns in hidden.items():
            if not columns:
                continue
            select = ", ".join(f"{shifted(c, ty, on)} AS \"{c}\"" if c in columns else f'"{c}"'
                               for c, ty in schema[table].items())
            con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT {select} FROM "{table}"')


@pytest.fixture(scope="module")
def copies(demo_warehouse, tmp_path_factory):
    """role → (guard, copy with true hidden values, copy with shifted hidden values, hidden columns)."""
    base = connect(str(demo_warehouse))
    schema = {t.lower(): {c.lower(): ty for c, ty in cols.items()} for t, cols in base.table_columns().items()}
    base.close()
    out = {}
    folder = tmp_path_factory.mktemp("redteam")
    for role in ROLES:
        hidden = hidden_columns(schema, role)
        same, other = folder / f"{role}-a.duckdb", folder / f"{role}-b.duckdb"
        build_copy(demo_warehouse, same, schema, hidden, on=False)
        build_copy(demo_warehouse, other, schema, hidden, on=True)
        a, b = connect(str(same), threads=1), connect(str(other), threads=1)
        guard = SqlGuard(CATALOG, a.table_columns(), "duckdb",
                         resolve=lambda sql, wh=a: wh.execute(sql, max_rows=100_000).rows)
        out[role] = (guard, a, b, {t: c for t, c in hidden.items() if c})
    yield out
    for _, a, b, _ in out.values():
        a.close()
        b.close()


def digest(warehouse, sql: str):
    """Order-independent fingerprint of a whole result (or of the error it raised)."""
    try:
        rows = warehouse.execute(f"SELECT count(*), sum(hash(g)::HUGEINT) FROM ({sql}) AS g", max_rows=1).rows
    except WarehouseError as exc:
        return ("error", str(exc))
    return tuple(rows[0])


def leaks(copies, role: str, sql: str) -> tuple[bool, str]:
    """(passed the guard, why it leaked or '')."""
    guard, a, b, _ = copies[role]
    try:
        guarded = guard.check(sql, ROLES[role], max_rows=10**9)
    except SqlRejected:
        return False, ""
    one, two = digest(a, guarded.sql), digest(b, guarded.sql)
    return True, "" if one == two else f"{sql!r} as {role}: {one} != {two}\n{guarded.sql}"


# -- the control: the copies differ where a hidden column is read ---------------------------------
@pytest.mark.parametrize("role", list(ROLES))
def test_the_two_copies_differ_in_every_hidden_column(copies, role):
    _, a, b, hidden = copies[role]
    assert hidden, "the role hides nothing: the test would prove nothing"
    for table, columns in hidden.items():
        for column in columns:
            sql = f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
            if not a.execute(f"SELECT count(*) FROM ({sql})", max_rows=1).rows[0][0]:
                continue  # an all-NULL column has no value to leak
            assert digest(a, sql) != digest(b, sql), f"{table}.{column} is not shifted in the second copy"


# -- the reproductions ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("sql", REPRODUCTIONS)
def test_reproductions_are_refused_with_a_reason(copies, role, sql):
    guard = copies[role][0]
    with pytest.raises(SqlRejected) as err:
        guard.check(sql, ROLES[role])
    assert err.value.zh and err.value.en and "Unknown column" not in err.value.en


@pytest.mark.parametrize("sql", STAFF_HIDDEN)
def test_columns_hidden_from_staff_are_refused_for_staff_only(copies, sql):
    with pytest.raises(SqlRejected) as err:
        copies["channel_staff"][0].check(sql, STAFF)
    assert err.value.code == "column_not_exposed" and "Unknown column" not in err.value.en
    copies["analyst"][0].check(sql, ANALYST)


@pytest.mark.parametrize("sql", EXPANDED)
def test_star_forms_expand_over_the_roles_columns_only(copies, sql):
    guard, a, _, hidden = copies["channel_staff"]
    table = "dim_city" if "dim_city" in sql else "fact_bill"
    result = a.execute(guard.check(sql, STAFF, max_rows=5).sql, max_rows=5)
    assert result.columns and not set(result.columns) & set(hidden[table])


@pytest.mark.parametrize("sql", RESOURCES)
def test_unbounded_generators_are_refused(copies, sql):
    with pytest.raises(SqlRejected) as err:
        copies["analyst"][0].check(sql, ANALYST)
    assert err.value.code in ("generator", "table_function", "unknown_function"), err.value.code


def test_a_result_larger_than_the_cap_is_refused_whatever_its_row_count(demo_warehouse):
    small = connect(str(demo_warehouse), max_result_bytes=2**20)
    with pytest.raises(WarehouseError, match="larger than 1 MB"):
        small.execute("SELECT list(bill_id) FROM fact_bill")  # one row, several MB
    with pytest.raises(WarehouseError, match="larger than 1 MB"):
        small.execute("SELECT string_agg(channel_id, ',') FROM fact_bill")
    assert len(small.execute("SELECT bill_id FROM fact_bill", max_rows=10).rows) == 10
    small.close()


def test_the_duckdb_connection_itself_reads_no_file_and_keeps_its_limits(demo_warehouse, tmp_path):
    """Past the guard (as if it had a hole): files, extensions and settings stay out of reach."""
    wh = connect(str(demo_warehouse), memory_limit="1GB", threads=1)
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n42\n")
    for sql in (f"SELECT * FROM read_csv('{secret}')", f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'",
                f"ATTACH '{tmp_path / 'x.db'}' AS x", "INSTALL httpfs", "SET memory_limit = '100GB'",
                "SET enable_external_access = true", "SET threads = 64", "RESET lock_configuration",
                "CREATE TABLE evil AS SELECT 1"):
        with pytest.raises(WarehouseError):
            wh.execute(sql)
    settings = wh.execute("SELECT current_setting('memory_limit'), current_setting('threads'), "
                          "current_setting('enable_external_access')").rows[0]
    assert settings[1] == 1 and settings[2] is False and settings[0].endswith(("MiB", "GiB", "MB", "GB"))
    # a second handle on the same file with other settings still opens (no process-wide clash)
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM dim_city").fetchone()[0] > 0
    wh.close()


# -- the generated batch --------------------------------------------------------------------------
def probes(alias: str, hidden: list[str], exposed: list[str]) -> list[exp.Expression]:
    """Ways to reach a column, named or not, written with sqlglot's builders (DuckDB forms included)."""
    src = exp.column(alias)
    some_hidden = hidden[0] if hidden else "no_such_column"
    some_exposed = exposed[0]
    return [
        exp.Columns(this=exp.Star()),
        exp.Columns(this=exp.Literal.string(f"{some_hidden}")),
        exp.Columns(this=exp.Literal.string(".*")),
        exp.Columns(this=exp.Lambda(this=exp.Like(this=exp.to_identifier("c"), expression=exp.Literal.string("%")),
                                    expressions=[exp.to_identifier("c")])),
        exp.Like(this=exp.Star(), expression=exp.Literal.string(f"{some_hidden[:3]}%")),
        exp.SimilarTo(this=exp.Star(), expression=exp.Literal.string(".*")),
        exp.TableColumn(this=exp.to_identifier(alias)),
        exp.Bracket(this=src.copy(), expressions=[exp.Literal.string(some_hidden)]),
        exp.Dot(this=exp.Paren(this=src.copy()), expression=exp.to_identifier(some_hidden)),
        exp.StructExtract(this=src.copy(), expression=exp.Literal.string(some_hidden)),
        exp.Explode(this=src.copy()),
        exp.Struct(expressions=[src.copy()]),
        exp.ArrayAgg(this=src.copy()),
        exp.column(some_hidden, alias),
        exp.Max(this=exp.column(some_hidden, alias)),
        exp.Cast(this=exp.column(some_hidden, alias), to=exp.DataType.build("VARCHAR")),
        exp.column(some_exposed, alias),
        exp.Max(this=exp.column(some_exposed, alias)),
        exp.Count(this=exp.Distinct(expressions=[exp.column(some_exposed, alias)])),
        exp.Coalesce(this=exp.Cast(this=exp.column(some_exposed, alias), to=exp.DataType.build("VARCHAR")),
                     expressions=[exp.Literal.string("")]),
    ]


def contexts(table: str, alias: str, probe: exp.Expression, join_to: str | None) -> list[exp.Expression]:
    """Where the probe sits: projection, filter, subquery, CTE, union, join, scalar subquery, order."""
    t = exp.to_table(table).as_(alias)
    star_sub = exp.select("*").from_(exp.to_table(table)).subquery(alias)
    out = [
        exp.select(probe.copy()).from_(t.copy()),
        exp.select(exp.Count(this=exp.Star())).from_(t.copy()).where(exp.Not(this=exp.Is(this=probe.copy(),
                                                                                            expression=exp.Null()))),
        exp.select(probe.copy()).from_(star_sub.copy()),
        exp.select(probe.copy()).from_(alias).with_(alias, exp.select("*").from_(exp.to_table(table))),
        exp.union(exp.select(probe.copy()).from_(t.copy()), exp.select(probe.copy()).from_(star_sub.copy())),
        exp.select(exp.Max(this=exp.Literal.number(1))).from_(t.copy())
        .where(exp.EQ(this=exp.Subquery(this=exp.select(exp.Max(this=probe.copy())).from_(t.copy())),
                      expression=exp.Literal.number(1))),
        exp.select(probe.copy()).from_(t.copy()).order_by(exp.Literal.number(1)).limit(3),
    ]
    if join_to:
        out.append(exp.select(probe.copy()).from_(t.copy()).join(exp.to_table(join_to).as_("j"), on="TRUE")
                   .limit(50))
    return out


def generated(copies) -> list[tuple[str, str]]:
    cases = []
    for role, (guard, _, _, hidden) in copies.items():
        schema = guard._schema(CATALOG.roles[role])
        tables = sorted(t for t in schema if schema[t])
        for table, alias in itertools.product(tables, ("t", None)):
            alias = alias or table
            exposed = sorted(schema[table])
            hidden_here = sorted(hidden.get(table, {}))
            join_to = "dim_city" if table != "dim_city" else None
            for probe in probes(alias, hidden_here, exposed):
                cases += [(role, c.sql(dialect="duckdb")) for c in contexts(table, alias, probe, join_to)]
    return cases


def test_generated_batch_of_column_reaching_forms_leaks_nothing(copies):
    cases = generated(copies)
    assert len(cases) >= 2000, len(cases)
    passed, problems = 0, []
    for role, sql in cases:
        through, why = leaks(copies, role, sql)
        passed += through
        if why:
            problems.append(why)
    print(f"red team: {len(cases)} generated statements, {passed} passed the guard and matched on both copies, "
          f"{len(cases) - passed} refused")
    assert not problems, "\n\n".join(problems[:5])
    assert passed >= 200, "too few statements got through for the comparison to mean anything"


def test_hand_written_forms_leak_nothing(copies):
    """Everything above plus the guard suite's own shapes, on both roles."""
    from tests.test_sqlguard import BYPASS, HOSTILE

    problems = [why for role in ROLES for sql in REPRODUCTIONS + STAFF_HIDDEN + EXPANDED + RESOURCES + BYPASS + HOSTILE
                if (why := leaks(copies, role, sql)[1])]
    assert not problems, "\n\n".join(problems[:5])


# -- end to end: a verified answer cannot carry hidden columns to staff ---------------------------
def test_an_analyst_cannot_save_a_column_reaching_statement_and_staff_never_see_hidden_values(
        demo_warehouse, tmp_path):
    bi = ChatBI(CATALOG, connect(str(demo_warehouse)), use_model=False)
    service = ChatService(bi, AppDB.open(f"sqlite:///{tmp_path / 'app.sqlite'}"))
    with pytest.raises(AppDBError, match="COLUMNS"):
        service.verify("账单明细", ANALYST, sql="SELECT columns(*) FROM fact_bill LIMIT 3")
    # a statement the analyst may run, with a column staff may not see, saved as verified ...
    service.verify("账单明细", ANALYST, sql="SELECT bill_id, billed_amount FROM fact_bill ORDER BY bill_id LIMIT 3")
    answer = service.ask("账单明细", STAFF)
    # ... reaches staff as a refusal that names the column, never as values
    assert answer.status == "refused" and "billed_amount" in answer.message_en and not answer.rows
