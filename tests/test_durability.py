"""Feedback and audit survive a killed process and many concurrent writers (SQLite and PostgreSQL)."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from chatbi.appdb import AppDB
from chatbi.appdb.audit import Event

ROOT = Path(__file__).resolve().parents[1]


def writer(url: str, count: int, name: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.appdb_writer", url, str(count), name], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stored(db: AppDB, name: str) -> tuple[set[int], set[int]]:
    with db.read() as conn:
        events = {r[0] for r in conn.execute(sa.text("SELECT id FROM events WHERE user_name = :n"), {"n": name})}
        rated = {r[0] for r in conn.execute(sa.text("SELECT event_id FROM feedback WHERE user_name = :n"),
                                            {"n": name})}
    return events, rated


@pytest.mark.parametrize("round_", range(3))
def test_kill_9_mid_write_loses_nothing_acknowledged(tmp_path, round_):
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    AppDB.open(url)
    proc = writer(url, 100_000, "victim")
    acknowledged = []
    for line in proc.stdout:
        acknowledged.append(int(line))
        if len(acknowledged) >= 150 + 37 * round_:  # kill at a different moment each round
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    db = AppDB.open(url)
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    events, rated = stored(db, "victim")
    assert set(acknowledged) <= events and set(acknowledged) <= rated
    # The database stays writable after the crash.
    db.audit.record(Event(user_name="after", role="analyst", kind="ask", status="answered"))


def test_twenty_writer_processes_lose_nothing_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    _concurrent_processes(url, processes=20, each=40)


def test_twenty_threads_share_one_store_without_losing_writes(tmp_path):
    db = AppDB.open(f"sqlite:///{tmp_path / 'app.sqlite'}")
    errors = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                event = db.audit.record(Event(user_name=f"t{n}", role="analyst", kind="ask", status="answered",
                                              question=str(i)))
                db.feedback.rate(event, f"t{n}", 1)
        except Exception as exc:  # any lost write fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert db.audit.count() == 1000 and db.feedback.count() == 1000


def test_twenty_writer_processes_lose_nothing_on_postgres(pg_cluster):
    url = pg_cluster.create_database("appdb_concurrency")
    _concurrent_processes(url, processes=20, each=40)


def _concurrent_processes(url: str, processes: int, each: int) -> None:
    AppDB.open(url)  # migrate once; the writers also race to check the schema
    started = time.perf_counter()
    procs = [writer(url, each, f"w{n}") for n in range(processes)]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-500:] for _, err in outputs if err]
    db = AppDB.open(url)
    for n, (out, _) in enumerate(outputs):
        acknowledged = {int(x) for x in out.split()}
        events, rated = stored(db, f"w{n}")
        assert len(acknowledged) == each and acknowledged == events == rated
    assert db.audit.count() == processes * each
    print(f"{processes} processes x {each} writes in {time.perf_counter() - started:.1f}s")
