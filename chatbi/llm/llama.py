"""llama.cpp backend: one long-lived model, a reused prompt prefix, greedy-first grammar checks.

Why a hand-written decode loop: stock grammar sampling filters the whole vocabulary (~150k
tokens) at every step. We take the greedy token first and ask the grammar about that single
token; only when it is rejected do we fall back to the full scan. Output is identical to
greedy constrained decoding, and much cheaper per token.

This is the only module that imports llama_cpp.
"""

from __future__ import annotations

import ctypes
import json
import math
import os
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from chatbi.llm.backend import Completion, LLMError, Message

_TOKEN_DTYPE = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)])


class LlamaCppBackend:
    def __init__(self, model_path: Path, model_id: str, n_ctx: int = 4096, n_threads: int | None = None):
        import llama_cpp
        from llama_cpp import llama_chat_format

        self._lc = llama_cpp
        self.model_id = model_id
        self.model_path = Path(model_path)
        threads = n_threads or os.cpu_count() or 2
        try:
            self.llama = llama_cpp.Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=threads,
                                         n_threads_batch=threads, n_batch=512, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"llama.cpp could not load {model_path}: {exc}. Is it a GGUF file?") from exc
        self._vocab = self.llama._model.vocab
        self._n_vocab = self.llama.n_vocab()
        self._candidates = (llama_cpp.llama_token_data * self._n_vocab)()
        self._candidates_np = np.frombuffer(self._candidates, dtype=_TOKEN_DTYPE)
        self._candidates_np["id"] = np.arange(self._n_vocab, dtype=np.intc)
        self._one = llama_cpp.llama_token_data()
        self._lock = threading.Lock()
        self._grammars: dict[str, str] = {}
        template = self.llama.metadata.get("tokenizer.chat_template")
        self._formatter = None
        if template:
            eos = self.llama._model.token_get_text(self.llama.token_eos())
            bos = self.llama._model.token_get_text(self.llama.token_bos()) if self.llama.token_bos() >= 0 else ""
            self._formatter = llama_chat_format.Jinja2ChatFormatter(template=template, eos_token=eos,
                                                                    bos_token=bos)

    # -- prompt handling -------------------------------------------------------------------
    def render(self, messages: list[Message], add_generation_prompt: bool = True) -> str:
        dicts = [{"role": m.role, "content": m.content} for m in messages]
        if self._formatter is not None:
            prompt = self._formatter(messages=dicts).prompt
            if not add_generation_prompt:
                prompt = prompt.rsplit("<|im_start|>assistant", 1)[0]
            return prompt
        # ChatML fallback for GGUF files without a template.
        body = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in dicts)
        return body + ("<|im_start|>assistant\n" if add_generation_prompt else "")

    def _tokenize(self, text: str) -> list[int]:
        return self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def _feed(self, tokens: list[int]) -> int:
        """Evaluate ``tokens`` reusing the longest cached prefix; returns how many were reused."""
        cached = self.llama._input_ids.tolist()
        reuse = 0
        for a, b in zip(cached, tokens, strict=False):
            if a != b:
                break
            reuse += 1
        reuse = min(reuse, len(tokens) - 1)  # at least one token must run to refresh logits
        if not self.llama._ctx.kv_cache_seq_rm(-1, reuse, -1):
            reuse = 0
            self.llama.reset()
        self.llama.n_tokens = reuse
        self.llama.eval(tokens[reuse:])
        return reuse

    def warm(self, messages: list[Message]) -> None:
        with self._lock:
            tokens = self._tokenize(self.render(messages, add_generation_prompt=False))
            if tokens:
                self._feed(tokens)

    # -- constrained decoding --------------------------------------------------------------
    def _grammar_for(self, schema: dict[str, Any]) -> str:
        # Property order is kept: it is the order the model fills the slots in.
        key = json.dumps(schema, ensure_ascii=False)
        if key not in self._grammars:
            from llama_cpp.llama_grammar import json_schema_to_gbnf

            self._grammars[key] = json_schema_to_gbnf(key)
        return self._grammars[key]

    def _logits(self) -> np.ndarray:
        ptr = self._lc.llama_get_logits_ith(self.llama._ctx.ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(self._n_vocab,))

    def _pick(self, sampler, logits: np.ndarray) -> tuple[int, bool]:
        """Greedy token allowed by the grammar; the bool says whether the full scan ran."""
        token = int(np.argmax(logits))
        self._one.id, self._one.logit, self._one.p = token, float(logits[token]), 0.0
        single = self._lc.llama_token_data_array(data=ctypes.pointer(self._one), size=1, selected=-1,
                                                 sorted=False)
        self._lc.llama_sampler_apply(sampler, ctypes.byref(single))
        if not math.isinf(self._one.logit):
            return token, False
        self._candidates_np["logit"] = logits
        full = self._lc.llama_token_data_array(
            data=ctypes.cast(self._candidates, ctypes.POINTER(self._lc.llama_token_data)),
            size=self._n_vocab, selected=-1, sorted=False)
        self._lc.llama_sampler_apply(sampler, ctypes.byref(full))
        return int(np.argmax(self._candidates_np["logit"])), True

    def _generate(self, prompt: str, grammar: str | None, max_tokens: int) -> tuple[str, int, int, dict]:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        tokens = self._tokenize(prompt)
        if len(tokens) + max_tokens > self.llama.n_ctx():
            raise LLMError(f"Prompt of {len(tokens)} tokens does not fit the context window "
                           f"({self.llama.n_ctx()}); raise model.n_ctx or shorten the catalog prompt.")
        reused = self._feed(tokens)
        timings["prompt"] = (time.perf_counter() - started) * 1000
        sampler = (self._lc.llama_sampler_init_grammar(self._vocab, grammar.encode(), b"root")
                   if grammar else None)
        out: list[int] = []
        full_scans = 0
        try:
            for _ in range(max_tokens):
                logits = self._logits()
                if sampler is not None:
                    token, scanned = self._pick(sampler, logits)
                    full_scans += scanned
                else:
                    token = int(np.argmax(logits))
                if self._lc.llama_vocab_is_eog(self._vocab, token):
                    break
                if sampler is not None:
                    self._lc.llama_sampler_accept(sampler, token)
                out.append(token)
                self.llama.eval([token])
            else:
                if grammar:
                    raise LLMError(f"The model did not finish its JSON within {max_tokens} tokens.")
        finally:
            if sampler is not None:
                self._lc.llama_sampler_free(sampler)
        timings["generate"] = (time.perf_counter() - started) * 1000 - timings["prompt"]
        timings["reused_prompt_tokens"] = reused
        timings["full_scans"] = full_scans
        text = self.llama.detokenize(out).decode("utf-8", errors="replace")
        return text, len(tokens), len(out), timings

    def complete_json(self, messages: list[Message], schema: dict[str, Any], max_tokens: int = 256) -> Completion:
        with self._lock:
            text, n_prompt, n_out, timings = self._generate(self.render(messages), self._grammar_for(schema),
                                                            max_tokens)
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise LLMError(f"Grammar-constrained output is not JSON: {text[:200]!r}") from exc
        return Completion(data=data, text=text, model_id=self.model_id, prompt_tokens=n_prompt,
                          completion_tokens=n_out, timings_ms=timings)

    def complete_text(self, messages: list[Message], max_tokens: int = 512) -> str:
        with self._lock:
            return self._generate(self.render(messages), None, max_tokens)[0]
