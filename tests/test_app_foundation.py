"""`make run` serves the Streamlit app; it starts, answers its health check and shows the warehouse."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from streamlit.testing.v1 import AppTest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


def test_status_page_shows_the_warehouse(demo_warehouse, monkeypatch, tmp_path):
    monkeypatch.setenv("CHATBI_WAREHOUSE__URL", str(demo_warehouse))
    monkeypatch.setenv("CHATBI_APP_DB__URL", f"sqlite:///{tmp_path / 'app.sqlite'}")
    monkeypatch.setenv("CHATBI_MODEL__KIND", "none")
    monkeypatch.setenv("CHATBI_AUTH__MODE", "none")
    at = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=120).run()
    at.switch_page("views/status.py").run()
    assert not at.exception
    assert "状态" in at.title[0].value
    assert "2026-11-15" in at.success[0].value
    tables = set(at.dataframe[0].value["table"])
    assert {"fact_bill", "dim_channel"} <= tables


def test_app_explains_a_missing_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATBI_WAREHOUSE__URL", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=30).run()
    assert "make demo-data" in at.error[0].value


def test_streamlit_server_answers_health_check(demo_warehouse):
    port = free_port()
    env = {**os.environ, "CHATBI_WAREHOUSE__URL": str(demo_warehouse)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"),
                             "--server.port", str(port), "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                if response.status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        assert response.text == "ok"
        assert "<title>" in httpx.get(f"http://127.0.0.1:{port}/").text
    finally:
        proc.terminate()
        proc.wait(timeout=20)
