"""Property: for random valid queries, compiled SQL equals an independent pandas evaluation."""

import datetime as dt
import math

import duckdb
import pandas as pd
import pytest
import sqlglot
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from metric_catalog import graph
from semantic_layer import TIME, Filter, GroupBy, SemanticQuery, TimeRange, compile_query
from semantic_layer.timegrain import bucket_start, month_end, periods
from tests.semantic_helpers import AS_OF, CATALOG, close, number

VISIBLE = sorted(CATALOG.visible_metrics())
FILTERABLE = {d: list(spec.values) for d, spec in CATALOG.dimensions.items() if spec.values}


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    """Every fact joined to every dimension it reaches, loaded once into pandas."""
    from chatbi.demo import build_demo_warehouse

    path = tmp_path_factory.mktemp("prop") / "small.duckdb"
    build_demo_warehouse(path, scale=0.05, as_of=AS_OF)
    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        for table in {m.table for m in CATALOG.metrics.values() if m.table}:
            cols = ["f.*"]
            joins: dict[str, str] = {}
            for did, dim in CATALOG.dimensions.items():
                path_ = graph.join_path(CATALOG, table, dim.table)
                if path_ is None:
                    continue
                for step in path_:
                    on = " AND ".join(f"{step.left if step.left != table else 'f'}.{a} = {step.right}.{b}"
                                      for a, b in step.join.keys.items())
                    joins.setdefault(step.right, f"LEFT JOIN {step.right} ON {on}")
                owner = "f" if dim.table == table else dim.table
                cols.append(f"{owner}.{dim.column} AS dim__{did}")
            sql = f"SELECT {', '.join(cols)} FROM {table} f {' '.join(joins.values())}"
            frame = con.execute(sql).df()
            for col in frame.columns:
                if frame[col].dtype == object and len(frame) and hasattr(frame[col].iloc[0], "as_tuple"):
                    frame[col] = frame[col].astype(float)
            time = CATALOG.tables[table].time
            raw = frame[time.column] + "01" if time.format == "yyyymm" else frame[time.column]
            frame["__when"] = pd.to_datetime(raw, format="%Y%m%d" if time.format == "yyyymm" else None).dt.date
            out[table] = frame
    return path, out


def leaf_values(frames, leaf, query, start, end, grain):
    spec = CATALOG.metrics[leaf]
    df = frames[spec.table]
    time = CATALOG.tables[spec.table].time
    when = df["__when"]
    if spec.type == "period_end":
        ends = ({min(p2 - dt.timedelta(days=1), end) for p2 in [_next(p, grain) for p in periods(start, end, grain)]}
                if grain else {end})
        if time.format == "yyyymm":
            ends = {e.replace(day=1) for e in ends}
        mask = when.isin(ends)
    else:
        mask = (when >= start) & (when <= end)
    for f in query.filters:
        col = df[f"dim__{f.dimension}"]
        mask &= col.isin(f.values) if f.op in ("in", "=") else ~col.isin(f.values)
    if spec.where:
        mask &= df.eval(spec.where)
    for f in spec.filters:
        mask &= df[f"dim__{f.dimension}"].isin(f.values)
    sub = df[mask].copy()
    keys = []
    if grain:
        starts = {d: bucket_start(d, grain) for d in set(when[mask])}
        sub["__t"] = when[mask].map(starts)
        keys.append("__t")
    keys += [f"dim__{g.dimension}" for g in query.group_by if g.dimension != TIME]
    value = sub[spec.expr] if spec.expr else pd.Series(1, index=sub.index)
    sub["__v"] = value
    agg = {"sum": "sum", "count": "count", "count_distinct": "nunique", "avg": "mean", "min": "min", "max": "max"}
    if not keys:
        series = sub["__v"]
        result = getattr(series, agg[spec.agg])() if len(series) else None
        return {(): result}
    grouped = sub.groupby(keys, dropna=False)["__v"].agg(agg[spec.agg])
    return {k if isinstance(k, tuple) else (k,): v for k, v in grouped.items()}


def _next(day, grain):
    from semantic_layer.timegrain import next_bucket
    return next_bucket(day, grain)


def metric_value(metric, leaves, key):
    spec = CATALOG.metrics[metric]
    if spec.type in ("simple", "period_end"):
        v = leaves[metric].get(key)
        if spec.agg in ("sum", "count", "count_distinct"):
            return 0 if v is None or (isinstance(v, float) and math.isnan(v)) else v
        return v
    if spec.type == "ratio":
        n, d = metric_value(spec.numerator, leaves, key), metric_value(spec.denominator, leaves, key)
        return None if not d else n / d
    env = {ref: metric_value(ref, leaves, key) for ref in graph.formula_refs(spec.formula)}
    return eval(sqlglot.parse_one(spec.formula).sql(), {}, env)  # formula of metric ids: + - * /


@st.composite
def queries(draw):
    metrics = draw(st.lists(st.sampled_from(VISIBLE), min_size=1, max_size=2, unique=True))
    allowed = set.intersection(*[set(graph.allowed_dimensions(CATALOG, m)) for m in metrics])
    dims = draw(st.lists(st.sampled_from(sorted(allowed & {"city", "channel_type", "plan_category", "district",
                                                           "aging_bucket", "terminal_brand", "churn_reason"})
                                         or ["city"]), max_size=2, unique=True))
    dims = [d for d in dims if d in allowed]
    grain = draw(st.sampled_from([None, "month", "quarter"]))
    group_by = ([GroupBy(dimension=TIME, grain=grain)] if grain else []) + [GroupBy(dimension=d) for d in dims]
    filters = []
    candidates = sorted(set(FILTERABLE) & allowed)
    if candidates and draw(st.booleans()):
        dim = draw(st.sampled_from(candidates))
        values = draw(st.lists(st.sampled_from(FILTERABLE[dim]), min_size=1, max_size=2, unique=True))
        filters.append(Filter(dimension=dim, op=draw(st.sampled_from(["in", "not in"])), values=values))
    first = draw(st.integers(min_value=0, max_value=30))  # months after 2024-01
    length = draw(st.integers(min_value=1, max_value=min(6, 34 - first)))
    start = dt.date(2024 + first // 12, first % 12 + 1, 1)
    last = first + length - 1
    end = month_end(dt.date(2024 + last // 12, last % 12 + 1, 1))
    return SemanticQuery(metrics=metrics, group_by=group_by, filters=filters, time_range=TimeRange(start=start, end=end))


# derandomize: the same 60 examples on every run, so CI never fails on a draw nobody can reproduce
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries())
@example(query=SemanticQuery(  # found once at random: 5G migrations to non-5G plans are truly 0 each month
    metrics=["fiveg_migrations"], group_by=[GroupBy(dimension=TIME, grain="month")],
    filters=[Filter(dimension="plan_category", op="not in", values=["5G套餐"])],
    time_range=TimeRange(start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31))))
def test_compiled_sql_equals_independent_evaluation(frames, query):
    path, data = frames
    compiled = compile_query(CATALOG, query, as_of=AS_OF)
    with duckdb.connect(str(path), read_only=True) as con:
        rows = [tuple(number(v) for v in r) for r in con.execute(compiled.sql).fetchall()]
    grain = query.time_group.grain if query.time_group else None
    leaves = {}
    for metric in query.metrics:
        for leaf in graph.leaf_metrics(CATALOG, metric):
            leaves[leaf] = leaf_values(data, leaf, query, compiled.start, compiled.end, grain)
    n_keys = len(query.group_by)
    if n_keys == 0:
        keys = {()}
    else:
        other = {k[1:] if grain else k for values in leaves.values() for k in values}
        if grain and n_keys == 1:  # by period alone: every period is a row; a period without events counts 0
            other = {()}
        keys = ({(p, *o) for p in periods(compiled.start, compiled.end, grain) for o in other} if grain
                else other)
    expected = {k: tuple(metric_value(m, leaves, k) for m in query.metrics) for k in keys}
    actual = {r[:n_keys]: r[n_keys:] for r in rows}
    assert set(actual) == set(expected), query
    for k, values in expected.items():
        for got, want in zip(actual[k], values, strict=True):
            want = None if isinstance(want, float) and math.isnan(want) else want
            assert close(got, want, rel=1e-6), (query, k, got, want)
