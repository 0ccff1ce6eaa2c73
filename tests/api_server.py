"""Start `chatbi serve-api` as a real process on loopback, for tests and the benchmark."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def start_api(port: int, warehouse: str, app_db_url: str, model: bool = False, timeout: float = 180
              ) -> subprocess.Popen:
    env = {**os.environ, "CHATBI_WAREHOUSE__URL": warehouse, "CHATBI_APP_DB__URL": app_db_url}
    args = [sys.executable, "-m", "chatbi.cli", "serve-api", "--port", str(port)] + ([] if model else ["--no-model"])
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"serve-api exited: {proc.stderr.read()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("serve-api did not become healthy in time")
