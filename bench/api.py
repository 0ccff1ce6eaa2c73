"""The HTTP API under ≥ 50 concurrent clients over loopback: throughput, latency, errors.

A real `chatbi serve-api` process with the bundled model loaded, the SCALE=1 demo warehouse and
a fresh app database; 50 client threads each send golden questions (the same mix of rule-settled
and model-read questions as the golden set) as three kinds of users (manager, analyst, channel
staff under row-level security). Every request is audited as in production.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.registry import section

CLIENTS = 50
REQUESTS_PER_CLIENT = 10


@section("api")
def api_bench() -> tuple[dict, str]:
    import httpx

    from bench.pipeline import golden_warehouse
    from chatbi.appdb import AppDB
    from chatbi.evaluation import load_cases
    from tests.api_server import start_api
    from tests.conftest import free_port

    questions = [c.question for c in load_cases()]
    folder = Path(tempfile.mkdtemp(prefix="chatbi-api-bench-"))
    url = f"sqlite:///{folder / 'app.sqlite'}"
    db = AppDB.open(url)
    users = [("boss", "manager", {}), ("li", "analyst", {}), ("li.na", "channel_staff", {"channel_id": "CH330100003"})]
    tokens = []
    for name, role, attrs in users:
        db.users.add(name, role, attrs=attrs)
        tokens.append(db.users.issue_token(name))
    port = free_port()
    proc = start_api(port, str(golden_warehouse()), url, model=True, timeout=600)
    base = f"http://127.0.0.1:{port}"
    try:
        latencies: list[float] = []
        statuses: list[int] = []

        def client(n: int) -> None:
            with httpx.Client(base_url=base, timeout=120,
                              headers={"Authorization": f"Bearer {tokens[n % 3]}"}) as http:
                for i in range(REQUESTS_PER_CLIENT):
                    q = questions[(n * REQUESTS_PER_CLIENT + i) % len(questions)]
                    t0 = time.perf_counter()
                    try:
                        statuses.append(http.post("/v1/ask", json={"question": q}).status_code)
                    except httpx.HTTPError:
                        statuses.append(0)
                    latencies.append((time.perf_counter() - t0) * 1000)

        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(client, range(CLIENTS)))
        wall = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    audited = db.audit.count()
    latencies.sort()
    errors = sum(s != 200 for s in statuses)
    numbers = {"clients": CLIENTS, "requests": len(statuses), "errors": errors, "seconds": round(wall, 1),
               "throughput_rps": round(len(statuses) / wall, 1),
               "p50_ms": round(statistics.median(latencies), 1),
               "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1), "max_ms": round(latencies[-1], 1),
               "audited": audited}
    markdown = (f"{CLIENTS} concurrent clients × {REQUESTS_PER_CLIENT} golden questions over loopback, bundled "
                f"1.5B loaded, SCALE=1 warehouse, every request audited.\n\n"
                "| requests | errors | wall s | throughput req/s | p50 ms | p95 ms | max ms | audit rows |\n"
                "|---|---|---|---|---|---|---|---|\n"
                f"| {numbers['requests']} | {errors} | {numbers['seconds']} | {numbers['throughput_rps']} | "
                f"{numbers['p50_ms']} | {numbers['p95_ms']} | {numbers['max_ms']} | {audited} |")
    return numbers, markdown
