"""The one interface the application uses to talk to a language model.

Every caller asks for JSON that satisfies a JSON schema; backends decide how to enforce it
(a GBNF grammar for llama.cpp, ``response_format`` for OpenAI-compatible servers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass
class Completion:
    data: dict[str, Any]
    text: str
    model_id: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    timings_ms: dict[str, float] = field(default_factory=dict)


class LLMError(Exception):
    """The model could not produce an answer; the message says why and what to check."""


class LLMBackend(Protocol):
    model_id: str

    def complete_json(self, messages: list[Message], schema: dict[str, Any], max_tokens: int = 256) -> Completion:
        """Return a JSON object that validates against ``schema``."""
        ...

    def warm(self, messages: list[Message]) -> None:
        """Evaluate a fixed prompt prefix now, so later questions sharing it start fast."""
        ...

    def complete_text(self, messages: list[Message], max_tokens: int = 512) -> str:
        """Free text (used by the analysts' SQL drafting path)."""
        ...
