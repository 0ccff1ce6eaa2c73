"""The insurance demo warehouse: a Zhejiang P&C and life insurer's policies, parties, amounts and claims,
laid out as OMG/ACORD-style operational tables rather than a star schema.

``policy_party`` is a bridge (a policy's holder and its agents, by ``role_code``; some policies have
two agents, some none, and the upstream system repeats a few rows), ``policy_amount`` holds premium,
commission and tax rows side by side (``amount_type``), and ``claim_payment`` has neither a key nor a
date. Deterministic for a given (seed, scale, as_of): each day's policies, and everything that happens
to them, are drawn from a generator seeded by the seed and the day, so a later ``as_of`` only adds
rows (and moves statuses). Policies start on 2025-01-01; see docs/demo-insurance.md.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from chatbi.demo.build import BuildReport, build_atomically, checked_span
from chatbi.demo.retail_dims import FIRMS, GIVEN, SURNAMES

DATA_START = date(2025, 1, 1)
FACT_TABLES = ["policy", "policy_party", "policy_amount", "claim", "claim_payment"]
# branch → share of the business
BRANCHES = {"杭州": 0.22, "宁波": 0.14, "温州": 0.11, "绍兴": 0.07, "嘉兴": 0.06, "金华": 0.07, "台州": 0.06,
            "上海": 0.12, "南京": 0.08, "苏州": 0.07}
# product line → share, premium median and spread, commission rate, P(no agent), P(two agents),
# P(corporate holder), P(surrender over the term), claims per policy-year, cause → weight, term in years
PRODUCTS = {
    "车险": (0.45, 3200, 0.45, 0.10, 0.08, 0.06, 0.10, 0.03, 0.34,
             {"碰撞": 78, "自然灾害": 12, "盗抢": 6, "火灾": 4}, 1),
    "家财险": (0.11, 650, 0.60, 0.15, 0.12, 0.08, 0.03, 0.02, 0.05,
              {"水渍": 45, "自然灾害": 25, "火灾": 18, "盗抢": 12}, 1),
    "健康险": (0.21, 1900, 0.70, 0.18, 0.05, 0.10, 0.12, 0.05, 0.20, {"疾病": 85, "意外伤害": 15}, 1),
    "意外险": (0.15, 190, 0.60, 0.25, 0.16, 0.08, 0.14, 0.01, 0.06, {"意外伤害": 100}, 1),
    "寿险": (0.08, 12000, 0.60, 0.35, 0.00, 0.22, 0.00, 0.07, 0.004, {"身故": 55, "疾病": 45}, 20),
}
# cause → median paid, spread, median days from report to settlement
CAUSES = {"碰撞": (4200, 0.9, 12), "自然灾害": (7500, 0.9, 25), "盗抢": (42000, 0.6, 55), "火灾": (26000, 0.9, 40),
          "水渍": (2600, 0.7, 18), "疾病": (6200, 1.0, 14), "意外伤害": (1500, 1.0, 20), "身故": (260000, 0.4, 45)}
# policies a day at scale 1, by month: 开门红 (Jan–Mar, health and life), car renewals at the year's end
MONTH = [1.25, 0.85, 1.15, 0.95, 0.95, 1.00, 0.95, 0.90, 1.00, 0.90, 1.05, 1.20]
LIFE_MONTH = {1: 2.2, 2: 1.6, 3: 1.5}
DAILY = 27.0
TAX_RATE = 0.06  # VAT on P&C premium; life premium is exempt


@dataclass
class InsuranceBuildReport(BuildReport):
    @property
    def fact_rows(self) -> int:
        return sum(n for t, n in self.row_counts.items() if t in FACT_TABLES)


def _plus_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def _poisson(rng: random.Random, lam: float) -> int:
    k, p, limit = 0, rng.random(), math.exp(-lam)
    while p > limit:
        k, p = k + 1, p * rng.random()
    return k


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


class _Parties:
    """Agents (fixed per branch, with productivity weights) and policy holders (made as policies need them)."""

    def __init__(self, seed: int, scale: float):
        rng = random.Random(f"{seed}:agents")
        self.rows: list[tuple] = []
        self.agents: dict[str, tuple[list[int], list[float]]] = {}
        self.holders: dict[tuple[str, str], list[int]] = {}
        taken: set[str] = set()
        total = max(30, round(160 * scale))
        for branch, share in BRANCHES.items():
            ids, weights = [], []
            for k in range(max(2, round(total * share))):
                if k % 12 == 5:  # an agency among the individual agents
                    name, kind = f"{branch}{rng.choice(FIRMS)}保险代理有限公司", "机构"
                else:
                    name, kind = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), "个人"
                while name in taken:
                    name = f"{branch}{rng.choice(FIRMS)}保险代理有限公司" if kind == "机构" else name + rng.choice(GIVEN)
                taken.add(name)
                ids.append(self._add(name, kind))
                weights.append(rng.paretovariate(1.4) * (3.0 if kind == "机构" else 1.0))
            self.agents[branch] = (ids, weights)

    def _add(self, name: str, kind: str) -> int:
        self.rows.append((len(self.rows) + 1, name, kind))
        return len(self.rows)

    def holder(self, rng: random.Random, branch: str, kind: str) -> int:
        pool = self.holders.setdefault((branch, kind), [])
        if pool and rng.random() < (0.45 if kind == "机构" else 0.22):  # customers with several policies
            return pool[int(len(pool) * rng.random() ** 0.7)]
        if kind == "机构":
            name = f"{branch}{rng.choice(FIRMS)}{rng.choice(['物流', '运输', '科技', '制造', '贸易', '建设'])}有限公司"
        else:
            name = _name(rng)
        pool.append(self._add(name, kind))
        return pool[-1]


def _claims(rng: random.Random, pid: int, product: str, size: float, start: date, end: date, as_of: date,
            claims: list, payments: list) -> None:
    """A policy's claims over its cover (a fleet or a group policy of ``size`` risks has more), those
    reported by ``as_of`` kept: settled ones paid in one to four payments, open ones at most an interim one."""
    spec = PRODUCTS[product]
    years = ((end - start).days + 1) / 365.25
    causes = list(spec[9])
    for _ in range(_poisson(rng, spec[8] * years * size)):
        reported = start + timedelta(days=int(rng.random() * (end - start).days) + rng.randint(0, 6))
        cause = rng.choices(causes, [spec[9][c] for c in causes])[0]
        median, sigma, lag = CAUSES[cause]
        settled = reported + timedelta(days=int(_lognormal(rng, lag, 0.6)))
        rejected = rng.random() < 0.07  # closed without payment: 拒赔 or 零结案
        amount = _lognormal(rng, median, sigma) * (1.0 if product != "寿险" or cause == "身故" else 30.0)
        n_pay = rng.choices((1, 2, 3, 4), (60, 27, 10, 3))[0]
        shares = [1.0] * n_pay if rng.random() < 0.3 else [rng.random() + 0.2 for _ in range(n_pay)]
        interim = rng.random() < 0.35
        if reported > as_of:  # every draw is made before this: a later as_of only adds to a day's rows
            continue
        claims.append([pid, reported, settled if settled <= as_of else None, cause])
        if rejected:
            continue
        if settled > as_of:  # open: an interim payment at most
            if interim:
                payments.append([len(claims), round(amount * 0.4, 2)])
            continue
        scale = amount / sum(shares)
        payments.extend([len(claims), round(s * scale, 2)] for s in shares)  # equal shares repeat a row


def _generate(seed: int, scale: float, as_of: date) -> dict[str, list]:
    parties = _Parties(seed, scale)
    policies, bridge, amounts, claims, payments = [], [], [], [], []
    branches, products = list(BRANCHES), list(PRODUCTS)
    day, per_year = DATA_START, {}
    while day <= as_of:
        rng = random.Random(f"{seed}:{day.isoformat()}")
        t = (day - DATA_START).days / 365.25
        mean = DAILY * scale * MONTH[day.month - 1] * (0.55 if day.isoweekday() >= 6 else 1.15) * 1.08 ** t
        weights = [PRODUCTS[p][0] * (LIFE_MONTH.get(day.month, 1.0) if p in ("寿险", "健康险") else 1.0)
                   for p in products]
        for _ in range(int(mean * rng.uniform(0.75, 1.25) + rng.random())):
            product = rng.choices(products, weights)[0]
            branch = rng.choices(branches, [BRANCHES[b] for b in branches])[0]
            (_s, median, sigma, comm_rate, p_none, p_two, p_org, p_surr, _f, _c, term) = PRODUCTS[product]
            pid = len(policies) + 1
            per_year[day.year] = per_year.get(day.year, 0) + 1
            expiry = _plus_years(day, term) - timedelta(days=1)
            kind = "机构" if rng.random() < p_org else "个人"
            size = rng.uniform(4, 25) if kind == "机构" else 1.0  # a fleet, a group: several risks
            premium = round(_lognormal(rng, median, sigma) * size, 2)
            surrender = day + timedelta(days=rng.randint(20, (expiry - day).days)) if rng.random() < p_surr else None
            bridge.append([pid, parties.holder(rng, branch, kind), "HLD"])
            r = rng.random()
            n_agents = 0 if r < p_none else 2 if r < p_none + p_two else 1
            ids, agent_w = parties.agents[branch]
            agents = []
            while len(agents) < n_agents:
                agent = rng.choices(ids, agent_w)[0]
                if agent not in agents:
                    agents.append(agent)
            bridge.extend([pid, a, "AGT"] for a in agents)
            rate = comm_rate * rng.uniform(0.85, 1.15)
            years = [day] + [_plus_years(day, k) for k in range(1, term) if _plus_years(day, k) <= as_of
                             and (surrender is None or _plus_years(day, k) < surrender)]
            for k, booked in enumerate(years):
                amounts.append([pid, "PREM", premium, booked])
                if agents:
                    amounts.append([pid, "COMM", round(premium * (rate if k == 0 else 0.08), 2), booked])
                if product != "寿险":
                    amounts.append([pid, "TAX", round(premium * TAX_RATE / (1 + TAX_RATE), 2), booked])
            ended = surrender is not None and surrender <= as_of
            if ended and term == 1:  # pro-rata refund of the unexpired premium and its commission
                left = (expiry - surrender).days / (expiry - day).days
                amounts.append([pid, "PREM", -round(premium * left, 2), surrender])
                if agents:
                    amounts.append([pid, "COMM", -round(premium * rate * left, 2), surrender])
            status = "退保" if ended else "满期" if expiry < as_of else "有效"
            policies.append([pid, f"P{day.year}{per_year[day.year]:06d}", product, branch, day, expiry, status])
            _claims(rng, pid, product, size, day, min(expiry, surrender or expiry), as_of, claims, payments)
        day += timedelta(days=1)
    dup = random.Random(f"{seed}:duplicates")
    bridge += [list(row) for row in bridge if dup.random() < 0.015]  # the upstream system repeats some rows
    return {"party": parties.rows, "policy": policies, "policy_party": bridge, "policy_amount": amounts,
            **_numbered_claims(claims, payments)}


def _numbered_claims(claims: list, payments: list) -> dict[str, list]:
    """Claim ids and numbers (C + year + sequence) in order of reporting."""
    order = sorted(range(len(claims)), key=lambda i: (claims[i][1], claims[i][0], i))
    new_id, per_year, rows = {}, {}, []
    for claim_id, i in enumerate(order, start=1):
        pid, reported, settled, cause = claims[i]
        per_year[reported.year] = per_year.get(reported.year, 0) + 1
        new_id[i + 1] = claim_id
        rows.append([claim_id, pid, f"C{reported.year}{per_year[reported.year]:06d}", reported, settled, cause])
    return {"claim": rows, "claim_payment": sorted(([new_id[c], paid] for c, paid in payments), key=lambda r: r[0])}


SCHEMA = {
    "party": "party_id INTEGER PRIMARY KEY, party_name VARCHAR NOT NULL, party_type VARCHAR NOT NULL",
    "policy": "policy_id INTEGER PRIMARY KEY, policy_number VARCHAR NOT NULL, product_line VARCHAR NOT NULL, "
              "branch VARCHAR NOT NULL, effective_date DATE NOT NULL, expiry_date DATE NOT NULL, status VARCHAR NOT NULL",
    "policy_party": "policy_id INTEGER NOT NULL, party_id INTEGER NOT NULL, role_code VARCHAR NOT NULL",
    "policy_amount": "policy_id INTEGER NOT NULL, amount_type VARCHAR NOT NULL, amount DECIMAL(12, 2) NOT NULL, "
                     "booked_date DATE NOT NULL",
    "claim": "claim_id INTEGER PRIMARY KEY, policy_id INTEGER NOT NULL, claim_number VARCHAR NOT NULL, "
             "reported_date DATE NOT NULL, settled_date DATE, cause VARCHAR NOT NULL",
    "claim_payment": "claim_id INTEGER NOT NULL, paid DECIMAL(12, 2) NOT NULL",
}


def _load(con: duckdb.DuckDBPyConnection, rows: dict[str, list], on_step: Callable[[str], None]) -> None:
    for table, columns in SCHEMA.items():
        on_step(table)
        con.execute(f"CREATE TABLE {table} ({columns})")
        names = re.findall(r"(?:^|, )(\w+) ", columns)
        frame = pd.DataFrame(rows[table], columns=names, dtype=object)
        con.register("_rows", frame)
        con.execute(f"INSERT INTO {table} SELECT {', '.join(names)} FROM _rows ORDER BY ALL")
        con.unregister("_rows")


def build_insurance_warehouse(path: Path, scale: float = 1.0, seed: int = 20240101, as_of: date | None = None,
                              on_step: Callable[[str], None] = lambda _: None) -> InsuranceBuildReport:
    """(Re)build the insurance demo warehouse at ``path`` atomically: a half-built file never replaces a good one."""
    as_of = checked_span(scale, as_of, DATA_START)

    def fill(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
        on_step("policies")
        _load(con, _generate(seed, scale, as_of), on_step)
        return [("generator", "chatbi.demo.insurance"), ("domain", "insurance"), ("seed", str(seed)),
                ("scale", str(scale)), ("data_start_date", DATA_START.isoformat()),
                ("reference_date", as_of.isoformat())]

    report = build_atomically(path, fill)
    return InsuranceBuildReport(report.path, report.seconds, report.row_counts)
