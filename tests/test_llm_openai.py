"""The OpenAI-compatible backend against a real server on loopback (llama.cpp's own server)."""

import subprocess
import sys
import time

import httpx
import pytest

from chatbi.config import ModelSettings
from chatbi.llm import LLMError, Message, create_backend
from tests.conftest import free_port
from tests.test_llm_llama import SCHEMA, SYSTEM

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def server(bundled_model_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_model_path), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "2048", "--model_alias", "qwen-local"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("llama.cpp server did not start")
    yield base
    proc.terminate()
    proc.wait(timeout=30)


def test_endpoint_backend_returns_schema_valid_json(server, monkeypatch):
    monkeypatch.setenv("CHATBI_OPENAI_API_KEY", "secret-token")
    backend = create_backend(ModelSettings(kind="openai", base_url=server, name="qwen-local"))
    completion = backend.complete_json([SYSTEM, Message("user", "近三个月杭州的欠费金额")], SCHEMA)
    assert completion.data["metric"] == "arrears_amount"
    assert completion.data["city"] == "杭州"
    assert "qwen-local" in completion.model_id


def test_unreachable_endpoint_is_a_clear_error():
    backend = create_backend(ModelSettings(kind="openai", base_url=f"http://127.0.0.1:{free_port()}/v1", name="x"))
    with pytest.raises(LLMError, match="Cannot reach the model server"):
        backend.complete_json([SYSTEM, Message("user", "hi")], SCHEMA)


def test_endpoint_needs_url_and_name():
    with pytest.raises(LLMError, match="CHATBI_MODEL__BASE_URL"):
        create_backend(ModelSettings(kind="openai"))
