"""Model selection: bundled GGUF, any GGUF path, or an OpenAI-compatible endpoint."""

from __future__ import annotations

from pathlib import Path

from chatbi.config import ModelSettings
from chatbi.llm import bundled
from chatbi.llm.backend import Completion, LLMBackend, LLMError, Message

__all__ = ["Completion", "LLMBackend", "LLMError", "Message", "create_backend", "resolve_model_file"]


def resolve_model_file(settings: ModelSettings, assemble_if_missing: bool = True) -> tuple[Path, str]:
    """The verified GGUF path and a model id for logs and evaluations."""
    if settings.kind == "gguf":
        if settings.path is None or not Path(settings.path).is_file():
            raise LLMError(f"model.kind=gguf but model.path {settings.path!r} is not a file. "
                           "Set CHATBI_MODEL__PATH to a .gguf file.")
        return Path(settings.path), f"gguf:{Path(settings.path).name}"
    spec = bundled.BUNDLED_MODELS[settings.bundled]
    target = settings.cache_dir / spec.filename
    if bundled.is_verified(spec, target):
        return target, spec.id
    if not assemble_if_missing:
        raise LLMError(f"The bundled model {spec.id} is not assembled or failed verification. "
                       "Run: chatbi model ensure")
    path, _ = bundled.ensure(spec, settings.cache_dir)
    return path, spec.id


def create_backend(settings: ModelSettings) -> LLMBackend:
    if settings.kind == "openai":
        from chatbi.llm.openai_compat import OpenAICompatibleBackend

        return OpenAICompatibleBackend.from_settings(settings)
    path, model_id = resolve_model_file(settings)
    from chatbi.llm.llama import LlamaCppBackend

    return LlamaCppBackend(path, model_id, n_ctx=settings.n_ctx, n_threads=settings.n_threads,
                           state_dir=settings.cache_dir)
