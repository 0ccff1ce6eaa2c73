"""The real bundled model behind the backend interface, with grammar-constrained JSON."""

import json

import pytest

from chatbi.llm import Message

pytestmark = pytest.mark.model

SCHEMA = {
    "type": "object",
    "properties": {
        "metric": {"enum": ["arrears_amount", "new_subscribers", "broadband_installs", "out_of_scope"]},
        "city": {"enum": ["杭州", "宁波", "温州", "none"]},
        "months": {"type": "integer"},
    },
    "required": ["metric", "city", "months"],
    "additionalProperties": False,
}
SYSTEM = Message("system", "Map the telecom BI question to JSON. Metrics: arrears_amount (欠费金额), new_subscribers "
                           "(新增用户数), broadband_installs (宽带新装). Anything else is out_of_scope. "
                           "months = how many recent months are asked for.")


def test_bundled_model_answers_with_schema_valid_json(llm):
    completion = llm.complete_json([SYSTEM, Message("user", "近三个月杭州的欠费金额")], SCHEMA)
    assert completion.data == {"metric": "arrears_amount", "city": "杭州", "months": 3}
    assert completion.model_id == "qwen2.5-coder-1.5b"
    assert completion.completion_tokens > 0


def test_enum_outside_vocabulary_is_impossible(llm):
    # 上海 is not in the city enum: the grammar cannot emit it, whatever the model prefers.
    completion = llm.complete_json([SYSTEM, Message("user", "上海上个月宽带新装多少")], SCHEMA)
    assert completion.data["city"] in {"杭州", "宁波", "温州", "none"}
    assert completion.data["metric"] == "broadband_installs"


def test_prefix_is_reused_across_questions(llm):
    llm.warm([SYSTEM])
    first = llm.complete_json([SYSTEM, Message("user", "温州新增用户")], SCHEMA)
    assert first.timings_ms["reused_prompt_tokens"] >= 40, "the system prompt must not be evaluated again"


def test_greedy_first_matches_stock_grammar_sampling(llm):
    """Checking only the greedy token against the grammar must not change the output."""
    for question in ["how many broadband installs in Ningbo over the last 6 months", "今天天气怎么样"]:
        ours = llm.complete_json([SYSTEM, Message("user", question)], SCHEMA, max_tokens=64)
        stock = llm.llama.create_chat_completion(
            messages=[{"role": "system", "content": SYSTEM.content}, {"role": "user", "content": question}],
            response_format={"type": "json_object", "schema": SCHEMA}, temperature=0.0, max_tokens=64)
        assert ours.data == json.loads(stock["choices"][0]["message"]["content"])


def test_a_prompt_computes_the_same_logits_whatever_was_asked_before(llm):
    """Resuming from different cache points gave logits up to 0.5 apart (enough to flip a near tie);
    every prompt now resumes right after the fixed prefix."""
    import hashlib

    llm.warm([SYSTEM])
    questions = ["近三个月杭州的欠费金额", "近三个月宁波的新增用户", "how many broadband installs"]

    def fingerprints(order):
        out = {}
        for q in order:
            llm._feed(llm._tokenize(llm.render([SYSTEM, Message("user", q)])))
            out[q] = hashlib.sha256(llm._logits().tobytes()).hexdigest()
        return out

    first = fingerprints(questions)
    llm.complete_text([Message("user", "unrelated text evaluated in between")], max_tokens=2)
    assert fingerprints(list(reversed(questions))) == first


def test_a_prompt_resumed_at_a_cut_computes_the_logits_of_a_fresh_evaluation(llm):
    """The full read continues the metric read's prompt: resumed where the context holds it, or
    evaluated from the prefix segment by segment, it must give the same logits either way."""
    import hashlib

    llm.warm([SYSTEM])
    head = llm.render([SYSTEM, Message("user", "近三个月杭州的欠费金额")]) + '{"metric": "'
    rest = 'arrears_amount"}<|im_end|>\n<|im_start|>user\n再读一遍城市<|im_end|>\n<|im_start|>assistant\n'
    tokens = llm._tokenize(head)
    cut = len(tokens)
    tokens += llm._tokenize(rest)
    llm._feed(tokens[:cut])  # what the metric read leaves in the context
    assert llm._feed(tokens, (cut,)) == cut, "resumed at the cut, not from the prefix"
    resumed = hashlib.sha256(llm._logits().tobytes()).hexdigest()
    llm.complete_text([Message("user", "unrelated text evaluated in between")], max_tokens=2)
    assert llm._feed(tokens, (cut,)) < cut  # evaluated again from the prefix
    assert hashlib.sha256(llm._logits().tobytes()).hexdigest() == resumed


def test_the_evaluated_prefix_is_saved_and_restored_by_a_new_backend(bundled_model_path, tmp_path):
    from chatbi.llm.llama import LlamaCppBackend

    def fresh():
        return LlamaCppBackend(bundled_model_path, "qwen2.5-coder-1.5b", n_ctx=4096, state_dir=tmp_path)

    one = fresh()
    one.warm([SYSTEM])
    assert "prefix_evaluated_ms" in one.stats and list(tmp_path.glob("*.state"))
    answer = one.complete_json([SYSTEM, Message("user", "近三个月杭州的欠费金额")], SCHEMA)
    del one
    two = fresh()
    two.warm([SYSTEM])
    assert "prefix_restored_ms" in two.stats
    again = two.complete_json([SYSTEM, Message("user", "近三个月杭州的欠费金额")], SCHEMA)
    assert again.text == answer.text and again.timings_ms["reused_prompt_tokens"] == two.stats["prefix_tokens"]
    for f in tmp_path.glob("*.state"):  # a damaged file is evaluated again, never handed to llama.cpp
        data = f.read_bytes()
        f.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    three = fresh()
    three.warm([SYSTEM])
    assert "prefix_evaluated_ms" in three.stats
    assert three.complete_json([SYSTEM, Message("user", "近三个月杭州的欠费金额")], SCHEMA).text == answer.text


def test_a_cancelled_question_stops_the_model_and_leaves_it_ready(llm):
    """The app's cancel button: generation stops at the next token (not at the end of the answer),
    the model lock is released and the next question is answered as before."""
    import threading
    import time

    from chatbi.progress import Cancelled, Tracker

    tracker, outcome = Tracker(), {}

    def long_answer() -> None:
        with tracker.active():
            try:
                outcome["text"] = llm.complete_text([Message("user", "Count from 1 to 400, comma separated.")],
                                                    max_tokens=1500)
            except Cancelled:
                outcome["cancelled"] = time.monotonic()

    worker = threading.Thread(target=long_answer)
    worker.start()
    time.sleep(1.0)  # 1,500 tokens take a minute on 2 cores: it is mid-way
    cancelled_at = time.monotonic()
    tracker.cancel()
    worker.join(60)
    assert "cancelled" in outcome and "text" not in outcome, "cancel stops the generation"
    assert outcome["cancelled"] - cancelled_at < 5, "within a token or so, not at the end"
    again = llm.complete_json([SYSTEM, Message("user", "近三个月杭州的欠费金额")], SCHEMA)
    assert again.data == {"metric": "arrears_amount", "city": "杭州", "months": 3}
    with Tracker().active() as already:
        already.cancel()
        with pytest.raises(Cancelled):
            llm.complete_json([SYSTEM, Message("user", "温州新增用户")], SCHEMA)
