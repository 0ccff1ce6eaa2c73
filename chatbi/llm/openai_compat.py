"""An OpenAI-compatible chat endpoint (vLLM, llama.cpp server, Xinference, …) run by the company."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import httpx
import jsonschema

from chatbi import progress
from chatbi.llm.backend import Completion, LLMError, Message


class OpenAICompatibleBackend:
    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout_s: float = 60.0):
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.model_id = f"openai:{model}@{self.base_url}"
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._schema_style = "json_schema"
        self._client = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout_s)

    @classmethod
    def from_settings(cls, settings) -> OpenAICompatibleBackend:
        if not settings.base_url or not settings.name:
            raise LLMError("model.kind=openai needs model.base_url and model.name "
                           "(CHATBI_MODEL__BASE_URL, CHATBI_MODEL__NAME).")
        return cls(settings.base_url, settings.name, os.environ.get(settings.api_key_env), settings.timeout_s)

    def _chat(self, messages: list[Message], max_tokens: int, response_format: dict | None) -> dict:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "temperature": 0,
            "max_tokens": max_tokens,
        }
        if response_format:
            body["response_format"] = response_format
        progress.check()
        try:
            response = self._client.post("/chat/completions", json=body)
        except httpx.HTTPError as exc:
            raise LLMError(f"Cannot reach the model server at {self.base_url}: {exc}") from exc
        progress.check()  # the person stopped waiting while the server answered
        if response.status_code != 200:
            raise LLMError(f"Model server {self.base_url} answered HTTP {response.status_code}: "
                           f"{response.text[:300]}")
        return response.json()

    def complete_json(self, messages: list[Message], schema: dict[str, Any], max_tokens: int = 256) -> Completion:
        started = time.perf_counter()
        try:
            payload = self._chat(messages, max_tokens, self._format(schema))
        except LLMError as exc:
            # Servers that predate OpenAI's json_schema (llama.cpp's Python server, older vLLM)
            # take a schema under json_object instead; remember which one works.
            if self._schema_style != "json_schema" or "response_format" not in str(exc):
                raise
            self._schema_style = "json_object"
            payload = self._chat(messages, max_tokens, self._format(schema))
        text = payload["choices"][0]["message"]["content"] or ""
        try:
            data = json.loads(text)
            jsonschema.validate(data, schema)
        except (ValueError, jsonschema.ValidationError) as exc:
            raise LLMError(f"Model server {self.base_url} ignored the JSON schema: {text[:200]!r}") from exc
        usage = payload.get("usage") or {}
        return Completion(data=data, text=text, model_id=self.model_id,
                          prompt_tokens=usage.get("prompt_tokens", 0),
                          completion_tokens=usage.get("completion_tokens", 0),
                          timings_ms={"llm": (time.perf_counter() - started) * 1000})

    def _format(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self._schema_style == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": "interpretation", "schema": schema, "strict": True}}
        return {"type": "json_object", "schema": schema}

    def complete_text(self, messages: list[Message], max_tokens: int = 512) -> str:
        return self._chat(messages, max_tokens, None)["choices"][0]["message"]["content"] or ""

    def warm(self, messages: list[Message]) -> None:
        # The server owns its prompt cache; nothing to do here.
        return None
