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
    }


def expected_slots(slots: dict) -> dict:
    metrics = slots["m"] if isinstance(slots["m"], list) else [slots["m"]]
    return {"m": metrics, "g": list(slots.get("g", [])),
            "f": {k: sorted(map(str, v)) for k, v in (slots.get("f") or {}).items()},
            "x": {k: sorted(map(str, v)) for k, v in (slots.get("x") or {}).items()},
            "t": [str(d) for d in slots["t"]] if "t" in slots else None,
            "c": list(slots.get("c", [])), "o": list(slots["o"]) if "o" in slots else None, "n": slots.get("n")}


def score(case: Case, answer) -> Outcome:
    latency = answer.timings_ms.get("total", 0.0)
    base = dict(case=case, status=answer.status, path=answer.path or answer.status, latency_ms=latency,
                model_called="model" in answer.timings_ms)
    if case.expect == "answered":
        if answer.status != "answered":
            return Outcome(**base, verdict="refused" if answer.status == "refused" else "clarified",
                           detail=answer.reason)
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
        answer = bi.ask(case.question, user=case.user, as_of=case.as_of)
        outcomes.append(score(case, answer))
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
    latency: dict[str, list[float]] = defaultdict(list)
    for o in outcomes:
        by_lang[o.case.lang][o.verdict] += 1
        by_expect[o.case.expect][o.verdict] += 1
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
