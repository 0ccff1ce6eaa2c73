"""llama.cpp backend: one long-lived model, a reused prompt prefix, greedy-first grammar checks.

Why answers do not depend on what was asked before: llama.cpp's logits for a prompt differ
slightly (measured: up to 0.5) with where the evaluation resumes from the KV cache, because a
different batch split takes different kernels. Reusing "the longest common prefix" made a
question's reading depend on the previous question, and a near tie could flip. Every prompt
therefore resumes from exactly one point: the end of the fixed prefix, whose evaluated state is
kept in memory and on disk (keyed by model file, prompt tokens, context size and llama.cpp
version), so a new process restores it instead of re-evaluating it.

Why a hand-written decode loop: stock grammar sampling filters the whole vocabulary (~150k
tokens) at every step. We take the greedy token first and ask the grammar about that single
token; only when it is rejected do we fall back to the full scan. Output is identical to
greedy constrained decoding, and much cheaper per token.

This is the only module that imports llama_cpp.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from chatbi import progress
from chatbi.cachefile import write_atomic
from chatbi.llm.backend import Completion, LLMError, Message

log = logging.getLogger(__name__)
KEEP_STATES = 4
STATE_MAGIC = b"CHATBI-PREFIX-STATE-1\n"
_TOKEN_DTYPE = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)])


def _read_ahead(path) -> None:
    """Ask the kernel to read the whole model file into the page cache now, in the background: llama.cpp
    maps the file and would otherwise fault it in page by page on a cold cache (after a reboot)."""
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        finally:
            os.close(fd)
    except (OSError, AttributeError):  # not every platform has it; loading works without
        pass


class LlamaCppBackend:
    def __init__(self, model_path: Path, model_id: str, n_ctx: int = 4096, n_threads: int | None = None,
                 state_dir: Path | None = None):
        import llama_cpp
        from llama_cpp import llama_chat_format

        self._lc = llama_cpp
        self.model_id = model_id
        self.model_path = Path(model_path)
        self.state_dir = Path(state_dir) if state_dir else self.model_path.parent
        self._prefix: list[int] = []  # the fixed prefix's tokens; every prompt resumes right after them
        self._prefix_state: bytes | None = None
        self.stats: dict[str, float] = {}
        threads = n_threads or os.cpu_count() or 2
        _read_ahead(model_path)
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

    def _feed(self, tokens: list[int], cuts: tuple[int, ...] = ()) -> int:
        """Evaluate ``tokens``, resuming after the fixed prefix when they start with it (else from
        nothing), then segment by segment at ``cuts``: the same prompt is always computed the same
        way, so resuming at a cut the context already holds (the metric read before a full read of
        the same question) gives the logits a fresh evaluation would. Returns the tokens reused."""
        n = len(self._prefix)
        reuse = n if n and tokens[:n] == self._prefix and len(tokens) > n else 0
        if reuse and self.llama._input_ids.tolist()[:n] != self._prefix:
            self._restore_prefix()
        held = self.llama._input_ids.tolist()
        cuts = tuple(c for c in sorted(set(cuts)) if reuse < c < len(tokens))
        reuse = max([c for c in cuts if reuse and held[:c] == tokens[:c]], default=reuse)
        if not self.llama._ctx.kv_cache_seq_rm(-1, reuse, -1):
            reuse = 0
        if reuse == 0:
            self.llama.reset()
            self.llama._ctx.kv_cache_clear()
        self.llama.n_tokens = reuse
        bounds = [reuse, *(c for c in cuts if c > reuse), len(tokens)]
        for start, end in zip(bounds, bounds[1:], strict=False):
            self.llama.eval(tokens[start:end])
        return reuse

    def warm(self, messages: list[Message]) -> None:
        """Make ``messages`` the fixed prefix: restored from disk when saved before, else evaluated
        once and saved for the next process."""
        with self._lock:
            tokens = self._tokenize(self.render(messages, add_generation_prompt=False))
            if not tokens or tokens == self._prefix:
                return
            started = time.perf_counter()
            self._prefix, self._prefix_state = tokens, None
            path = self._state_path(tokens)
            if path.is_file() and self._load_state_file(path):
                self.stats = {"prefix_tokens": len(tokens), "prefix_restored_ms": (time.perf_counter() - started) * 1000}
                return
            self.llama.reset()
            self.llama._ctx.kv_cache_clear()
            self.llama.eval(tokens)
            self._prefix_state = self._state_bytes()
            self.stats = {"prefix_tokens": len(tokens), "prefix_evaluated_ms": (time.perf_counter() - started) * 1000}
            self._save_state_file(path)

    # -- the prefix's evaluated state -------------------------------------------------------
    def _state_path(self, tokens: list[int]) -> Path:
        st = self.model_path.stat()
        key = json.dumps([str(self.model_path.resolve()), st.st_size, st.st_mtime_ns, self.llama.n_ctx(),
                          self._lc.__version__, tokens])
        return self.state_dir / f"{self.model_path.stem}.prefix-{hashlib.sha256(key.encode()).hexdigest()[:16]}.state"

    def _state_bytes(self) -> bytes:
        ctx = self.llama._ctx.ctx
        size = self._lc.llama_state_get_size(ctx)
        buffer = (ctypes.c_uint8 * size)()
        written = self._lc.llama_state_get_data(ctx, buffer, size)
        return bytes(memoryview(buffer)[:written])

    def _restore_prefix(self) -> None:
        data = self._prefix_state
        buffer = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
        self.llama.reset()
        if self._lc.llama_state_set_data(self.llama._ctx.ctx, buffer, len(data)) != len(data):
            raise LLMError("llama.cpp could not restore the prompt prefix state")
        n = len(self._prefix)
        self.llama.input_ids[:n] = self._prefix
        self.llama.n_tokens = n

    def _load_state_file(self, path: Path) -> bool:
        try:
            raw = path.read_bytes()
            header, digest, data = raw[:len(STATE_MAGIC)], raw[len(STATE_MAGIC):len(STATE_MAGIC) + 64], \
                raw[len(STATE_MAGIC) + 64:]
            # Checked before llama.cpp sees it: a truncated or foreign file must never be parsed by C code.
            if header != STATE_MAGIC or hashlib.sha256(data).hexdigest().encode() != digest:
                raise LLMError("not a complete ChatBI prefix state")
            self._prefix_state = data
            self._restore_prefix()
            return True
        except (OSError, LLMError) as exc:  # a stale or damaged file: evaluate instead
            log.warning("prefix state %s unusable (%s); evaluating the prefix", path, exc)
            self._prefix_state = None
            path.unlink(missing_ok=True)
            return False

    def _save_state_file(self, path: Path) -> None:
        data = STATE_MAGIC + hashlib.sha256(self._prefix_state).hexdigest().encode() + self._prefix_state
        if not write_atomic(path, data):
            return
        # Keep the few newest prefixes of this model (a catalog edit makes a new one).
        saved = sorted(path.parent.glob(f"{self.model_path.stem}.prefix-*.state"),
                       key=lambda p: p.stat().st_mtime, reverse=True)
        for old in saved[KEEP_STATES:]:
            old.unlink(missing_ok=True)

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

    def _generate(self, prompt: str | list[str], grammar: str | None, max_tokens: int,
                  done: Callable[[list[int]], bool] | None = None) -> tuple[str, int, int, dict]:
        """Greedy decoding under ``grammar``; ``done(tokens)`` may end it early (the rest is forced).
        A prompt given as segments is tokenized and evaluated segment by segment (see _feed)."""
        timings: dict[str, float] = {}
        started = time.perf_counter()
        segments = [prompt] if isinstance(prompt, str) else prompt
        tokens, cuts = [], []
        for segment in segments:
            tokens += self._tokenize(segment)
            cuts.append(len(tokens))
        if len(tokens) + max_tokens > self.llama.n_ctx():
            raise LLMError(f"Prompt of {len(tokens)} tokens does not fit the context window "
                           f"({self.llama.n_ctx()}); raise model.n_ctx or shorten the catalog prompt.")
        reused = self._feed(tokens, tuple(cuts[:-1]))
        timings["prompt"] = (time.perf_counter() - started) * 1000
        sampler = (self._lc.llama_sampler_init_grammar(self._vocab, grammar.encode(), b"root")
                   if grammar else None)
        out: list[int] = []
        full_scans = 0
        try:
            for _ in range(max_tokens):
                progress.check()  # a cancelled question stops within a token, freeing the model
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
                if done is not None and done(out):
                    break
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

    @contextlib.contextmanager
    def _turn(self) -> Iterator[None]:
        """The model, once the questions before this one are done; a question cancelled while it
        waits (a busy server) leaves the queue instead of running after all."""
        while not self._lock.acquire(timeout=0.2):
            progress.check()
        try:
            yield
        finally:
            self._lock.release()

    def complete_json(self, messages: list[Message], schema: dict[str, Any], max_tokens: int = 256,
                      after: tuple[list[Message], str] | None = None) -> Completion:
        """``after``: the messages and lead of an earlier call this prompt continues (the full read
        after the metric read): that part is its own segment, reused when the context holds it."""
        prompt: str | list[str] = self.render(messages)
        head = self.render(after[0]) + after[1] if after else ""
        if head and prompt.startswith(head) and len(prompt) > len(head):
            prompt = [head, prompt[len(head):]]
        with self._turn():
            text, n_prompt, n_out, timings = self._generate(prompt, self._grammar_for(schema), max_tokens)
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise LLMError(f"Grammar-constrained output is not JSON: {text[:200]!r}") from exc
        return Completion(data=data, text=text, model_id=self.model_id, prompt_tokens=n_prompt,
                          completion_tokens=n_out, timings_ms=timings)

    def choose(self, messages: list[Message], lead: str, options: list[str], tail: str) -> Completion:
        """One of ``options``, written by the model after ``lead`` (e.g. ``{"m": "``) and followed by
        ``tail``. The lead is part of the prompt (one batch, not token-by-token sampling), and decoding
        stops as soon as the tokens so far fit a single option: the remaining tokens are forced."""
        endings = [o + tail for o in options]
        grammar = "root ::= " + " | ".join(json.dumps(e, ensure_ascii=False) for e in endings)

        def settled(tokens: list[int]) -> bool:
            text = self.llama.detokenize(tokens).decode("utf-8", errors="ignore")
            return sum(e.startswith(text) for e in endings) == 1

        with self._turn():
            text, n_prompt, n_out, timings = self._generate(self.render(messages) + lead, grammar,
                                                            max_tokens=64, done=settled)
        chosen = next(e for e in endings if e.startswith(text))
        try:
            data = json.loads(lead + chosen)
        except ValueError as exc:
            raise LLMError(f"lead, option and tail do not make JSON: {lead + chosen!r}") from exc
        return Completion(data=data, text=lead + chosen, model_id=self.model_id, prompt_tokens=n_prompt,
                          completion_tokens=n_out, timings_ms=timings)

    def complete_text(self, messages: list[Message], max_tokens: int = 512) -> str:
        with self._turn():
            return self._generate(self.render(messages), None, max_tokens)[0]
