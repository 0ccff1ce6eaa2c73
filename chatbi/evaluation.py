"""`chatbi eval`: run golden questions, score every answer, and report by language, metric and path.

Scoring is strict: an answer is correct only when its interpretation equals the expected one
slot for slot; a different interpretation is **wrong** (the outcome that must never happen);
a refusal or clarification where an answer was expected is a miss, not an error.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from semantic_layer import TIME, SemanticQuery, User

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "eval" / "golden"
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Case:
    question: str
    expect: str  # answered | refused | clarify
    slots: dict
    user: User
    as_of: dt.date
    source: str
    want: dict | None = None  # verified answers: the exact interpretation slots, or {"rows": …} for SQL

    @property
    def lang(self) -> str:
        return "zh" if CJK.search(self.question) else "en"


@dataclass
class Outcome:
    case: Case
    status: str
    verdict: str  # correct | wrong | refused | clarified
    path: str
    latency_ms: float
    detail: str = ""
    metrics: list[str] = field(default_factory=list)
    model_called: bool = False


def load_cases(paths: list[Path] | None = None) -> list[Case]:
    files = []
    for p in paths or [GOLDEN_DIR]:
        files += sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    cases = []
    for file in files:
        doc = yaml.safe_load(file.read_text(encoding="utf-8"))
        as_of = doc["as_of"] if isinstance(doc["as_of"], dt.date) else dt.date.fromisoformat(doc["as_of"])
        for raw in doc["cases"]:
            user = raw.get("user")
            who = User(f"eval-{user['role']}", user["role"], user.get("attrs", {})) if user else User("eval", "analyst")
            slots = {k: v for k, v in raw.items() if k not in ("q", "expect", "user")}
            cases.append(Case(str(raw["q"]), raw.get("expect", "answered"), slots, who, as_of, file.name))
    return cases


def verified_cases(service) -> list[Case]:
    """Every active verified answer as a regression case, asked on the day it was saved: it must
    still come back exactly as the analyst approved it."""
    _, answers = service.db.verified.active()
    cases = []
    for v in answers:
        user = User(v.created_by, "analyst")
        if v.interpretation is not None:
            want = interpretation_slots(v.interpretation)
        else:
            reference = service.bi.run_sql(v.sql, user, max_rows=5000)
            want = {"rows": [[str(x) for x in r] for r in reference.rows]}
        cases.append(Case(v.question, "answered", {}, user, v.as_of, f"verified#{v.id}", want))
    return cases


def interpretation_slots(query: SemanticQuery) -> dict:
    """The comparable form of an interpretation (same shorthand as the golden files)."""
    return {
        "m": list(query.metrics),
        "g": [g.grain if g.dimension == TIME else g.dimension for g in query.group_by],
        "f": {f.dimension: sorted(map(str, f.values)) for f in query.filters if f.op in ("=", "in")},
        "x": {f.dimension: sorted(map(str, f.values)) for f in query.filters if f.op == "not in"},
        "t": [str(query.time_range.start), str(query.time_range.end)] if query.time_range else None,
        "c": list(query.comparisons),
        "o": [query.order_by[0].field, "desc" if query.order_by[0].descending else "asc"] if query.order_by else None,
        "n": query.limit,
        # the shape: an average per period or thing, a running total, conditions on the groups (an
        # answer that adds one the gold does not have is another number)
        "a": query.average_over or query.average_per,
        "cum": query.cumulative,
        "h": [[h.metric, h.op, "average" if h.against == "average" else h.value] + ([h.of] if h.of != "value" else [])
              for h in query.having],
    }


def expected_slots(slots: dict) -> dict:
    metrics = slots["m"] if isinstance(slots["m"], list) else [slots["m"]]
    return {"m": metrics, "g": list(slots.get("g", [])),
            "f": {k: sorted(map(str, v)) for k, v in (slots.get("f") or {}).items()},
            "x": {k: sorted(map(str, v)) for k, v in (slots.get("x") or {}).items()},
            "t": [str(d) for d in slots["t"]] if "t" in slots else None,
            "c": list(slots.get("c", [])), "o": list(slots["o"]) if "o" in slots else None, "n": slots.get("n"),
            "a": slots.get("a"), "cum": bool(slots.get("cum", False)), "h": [list(h) for h in slots.get("h", [])]}


def _cell(value):
    """A comparable form of one cell: numbers as floats, dates as ISO text, the rest as text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) or type(value).__name__ == "Decimal":
        return float(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _same_value(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))
    return a == b


def _column_matches(got: list, want: list, scale: float) -> bool:
    ordered = sorted(want, key=repr)
    mine = sorted((v * scale if isinstance(v, float) else v for v in got), key=repr)
    if all(isinstance(v, float) for v in ordered if v is not None):
        ordered = sorted(want, key=lambda v: (v is None, v or 0))
        mine = sorted(mine, key=lambda v: (v is None, v if isinstance(v, float) else 0))
    return len(mine) == len(ordered) and all(_same_value(a, b) for a, b in zip(mine, ordered, strict=True))


def compare_rows(answer, gold: list[tuple], counted: bool = False) -> str:
    """"" when the answer holds exactly the hand-written SQL's result, else what differs.

    Every gold column must be one of the answer's columns (matched by its values; a percentage
    may be shown as a fraction), and the rows must pair up one to one. The answer may show more
    columns (the previous period, a rank, the part a share is of) but never more or fewer rows —
    except rows of a dimension's named empty member (the online mall under 大区: 线上商城), which a
    hand-written inner join leaves out; every other row must still pair up. A hand-written count
    (one number, ``counted``: the case's shape is a count) is met by an answer that lists the things
    and states their count.
    """
    rows = [[_cell(v) for v in r] for r in answer.rows]
    gold = [[_cell(v) for v in r] for r in gold]
    if any(c.get("kind") == "time" for c in answer.columns):  # 2026-01, 2026-Q1: the period's first day
        gold = [[_period_start(v) for v in r] for r in gold]
    problem = _compare_cells(answer, rows, gold)
    count = getattr(answer, "count", None)
    if problem and counted and count is not None and len(gold) == 1 and len(gold[0]) == 1 and isinstance(gold[0][0], float):
        # 有几个代理人 answered as the agents with their count said (共 10 个代理人): the count is the answer
        return "" if _same_value(float(count), gold[0][0]) else f"counted {count}, the hand-written SQL gives {gold[0][0]:g}"
    return problem


_PERIOD_LABEL = re.compile(r"(?P<y>\d{4})(?:-(?:(?P<m>0[1-9]|1[0-2])|Q(?P<q>[1-4])|W(?P<w>\d{2})))?")


def _period_start(value):
    """A hand-written period label (2026, 2026-01, 2026-Q3, 2026-W45) as the ISO date of its first day."""
    m = _PERIOD_LABEL.fullmatch(value) if isinstance(value, str) else None
    if m is None:
        return value
    year = int(m["y"])
    if m["w"]:
        return dt.date.fromisocalendar(year, int(m["w"]), 1).isoformat()
    return dt.date(year, int(m["m"]) if m["m"] else 3 * int(m["q"]) - 2 if m["q"] else 1, 1).isoformat()


def _compare_cells(answer, rows: list[list], gold: list[list]) -> str:
    named_empty = [i for i, c in enumerate(answer.columns) if c.get("kind") == "dimension" and c.get("empty")]
    said = {v for r in gold for v in r}
    # the empty member as the catalog names it (非节假日), when the hand-written SQL names it so too
    rows = [[answer.columns[i]["empty"] if v is None and i in named_empty and answer.columns[i]["empty"] in said else v
             for i, v in enumerate(r)] for r in rows]
    members = [r for r in rows if not any(r[i] is None for i in named_empty)]
    if len(rows) > len(gold) == len(members):
        rows = members
    if len(rows) != len(gold):
        return f"{len(rows)} rows, the hand-written SQL gives {len(gold)}"
    if not gold:
        return ""
    formats = [c.get("format", "") for c in answer.columns] or [""] * len(rows[0])
    mapping: list[tuple[int, float]] = []
    for j in range(len(gold[0])):
        want = [r[j] for r in gold]
        kinds = [c.get("kind", "") for c in answer.columns] or [""] * len(rows[0])
        # the answer's own values first; computed columns (previous period, share…) after
        for i in sorted(range(len(rows[0])), key=lambda i: i < len(kinds) and kinds[i] == "comparison"):
            if any(i == k for k, _ in mapping):
                continue
            scales = (1.0, 100.0) if i < len(formats) and formats[i] == "percent" else (1.0,)
            scale = next((s for s in scales if _column_matches([r[i] for r in rows], want, s)), None)
            if scale is not None:
                mapping.append((i, scale))
                break
        else:
            return f"no column of the answer holds the hand-written column {j + 1} ({want[:3]}…)"
    mine = sorted(_row_key([r[i] * s if isinstance(r[i], float) else r[i] for i, s in mapping]) for r in rows)
    theirs = sorted(_row_key(r) for r in gold)
    return "" if mine == theirs else "the rows pair up differently"


def _row_key(row: list) -> tuple:
    return tuple(repr(float(f"{v:.6g}")) if isinstance(v, float) else repr(v) for v in row)


def score(case: Case, answer, gold: list[tuple] | None = None) -> Outcome:
    latency = answer.timings_ms.get("total", 0.0)
    base = dict(case=case, status=answer.status, path=answer.path or answer.status, latency_ms=latency,
                model_called="model" in answer.timings_ms)
    if case.expect == "answered":
        if answer.status != "answered":
            return Outcome(**base, verdict="refused" if answer.status == "refused" else "clarified",
                           detail=answer.reason)
        if gold is not None:  # a hand-written SQL answer: the same numbers, whatever the reading
            problem = compare_rows(answer, gold, counted=case.slots.get("shape") == "count")
            return Outcome(**base, verdict="wrong" if problem else "correct", detail=problem,
                           metrics=list(answer.interpretation.metrics) if answer.interpretation else [])
        if case.want is not None and "rows" in case.want:  # a verified SQL answer: same rows
            same = [[str(v) for v in r] for r in answer.rows] == case.want["rows"]
            return Outcome(**base, verdict="correct" if same else "wrong", detail="" if same else "rows differ")
        if answer.interpretation is None:
            return Outcome(**base, verdict="wrong", detail="answered without an interpretation")
        got = interpretation_slots(answer.interpretation)
        want = case.want if case.want is not None else expected_slots(case.slots)
        diff = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
        return Outcome(**base, verdict="wrong" if diff else "correct", detail=str(diff) if diff else "",
                       metrics=want["m"])
    if answer.status == case.expect:
        return Outcome(**base, verdict="correct")
    if answer.status == "answered":
        return Outcome(**base, verdict="wrong", detail=f"expected {case.expect}, answered")
    return Outcome(**base, verdict="refused" if answer.status == "refused" else "clarified",
                   detail=f"expected {case.expect}")


def run(bi, cases: list[Case]) -> list[Outcome]:
    outcomes = []
    for case in cases:
        gold = None
        if case.expect == "answered" and "sql" in case.slots:
            gold = bi.warehouse.execute(case.slots["sql"], max_rows=100_000).rows
        answer = bi.ask(case.question, user=case.user, as_of=case.as_of)
        outcomes.append(score(case, answer, gold))
    return outcomes


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def summarise(outcomes: list[Outcome], model_id: str = "") -> dict:
    total = Counter(o.verdict for o in outcomes)
    by_lang: dict[str, Counter] = defaultdict(Counter)
    by_metric: dict[str, Counter] = defaultdict(Counter)
    by_expect: dict[str, Counter] = defaultdict(Counter)
    by_shape: dict[str, Counter] = defaultdict(Counter)
    latency: dict[str, list[float]] = defaultdict(list)
    for o in outcomes:
        by_lang[o.case.lang][o.verdict] += 1
        by_expect[o.case.expect][o.verdict] += 1
        by_shape[o.case.slots.get("shape") or f"must_{o.case.expect}"][o.verdict] += 1
        for m in o.metrics or ([o.case.slots["m"]] if isinstance(o.case.slots.get("m"), str) else []):
            by_metric[m][o.verdict] += 1
        latency[o.path].append(o.latency_ms)
    return {
        "model": model_id, "cases": len(outcomes),
        "correct": total["correct"], "wrong": total["wrong"], "refused": total["refused"],
        "clarified": total["clarified"],
        "correct_rate": round(total["correct"] / max(len(outcomes), 1), 4),
        "must_refuse_refused": f"{by_expect['refused']['correct']}/{sum(by_expect['refused'].values())}",
        "must_clarify_clarified": f"{by_expect['clarify']['correct']}/{sum(by_expect['clarify'].values())}",
        "by_language": {k: dict(v) for k, v in sorted(by_lang.items())},
        "by_metric": {k: dict(v) for k, v in sorted(by_metric.items())},
        "by_shape": {k: dict(v) for k, v in sorted(by_shape.items())},
        "latency_ms": {path: {"n": len(v), "p50": round(percentile(v, 0.5), 1), "p95": round(percentile(v, 0.95), 1)}
                       for path, v in sorted(latency.items())},
        "latency_by_model_use_ms": {
            name: {"n": len(v), "p50": round(percentile(v, 0.5), 1), "p95": round(percentile(v, 0.95), 1)}
            for name, v in (("rules only", [o.latency_ms for o in outcomes if not o.model_called]),
                            ("model called", [o.latency_ms for o in outcomes if o.model_called]))},
        "misses": [{"q": o.case.question, "verdict": o.verdict, "status": o.status, "detail": o.detail}
                   for o in outcomes if o.verdict != "correct"],
    }


def evaluate(bi, cases: list[Case], warm: bool = True) -> dict:
    started = time.perf_counter()
    if warm:
        bi.warm()
    outcomes = run(bi, cases)
    summary = summarise(outcomes, bi.model_id or "rules only")
    summary["seconds"] = round(time.perf_counter() - started, 1)
    summary["p50_all_ms"] = round(statistics.median([o.latency_ms for o in outcomes]), 1) if outcomes else 0
    return summary
