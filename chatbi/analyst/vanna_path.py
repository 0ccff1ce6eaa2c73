"""vanna's legacy VannaBase with ChatBI's model backend and ChatBI's own training store.

vanna builds the prompt (DDL, documentation, similar verified questions) and extracts the SQL;
the model behind it is whichever ChatBI is configured with; the SQL then goes through the guard.
Nothing here runs model-written code: only SQL, and only after the guard.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from vanna.legacy.base import VannaBase

from chatbi.analyst.store import TrainingStore
from chatbi.llm import LLMBackend, Message
from metric_catalog.model import Catalog

SQL_DIALECT_NAMES = {"duckdb": "DuckDB", "postgres": "PostgreSQL", "spark": "Spark SQL"}


class ChatBIVanna(VannaBase):
    def __init__(self, backend: LLMBackend, store: TrainingStore, dialect: str, max_tokens: int = 256):
        VannaBase.__init__(self, config={"dialect": SQL_DIALECT_NAMES.get(dialect, dialect), "max_tokens": 6000})
        self.backend = backend
        self.store = store
        self.answer_tokens = max_tokens

    def log(self, message: str, title: str = "Info"):  # vanna prints by default; keep the console clean
        return None

    # -- messages and the model ----------------------------------------------------------------
    def system_message(self, message: str) -> dict:
        return {"role": "system", "content": message}

    def user_message(self, message: str) -> dict:
        return {"role": "user", "content": message}

    def assistant_message(self, message: str) -> dict:
        return {"role": "assistant", "content": message}

    def submit_prompt(self, prompt, **kwargs) -> str:
        return self.backend.complete_text([Message(m["role"], m["content"]) for m in prompt],
                                          max_tokens=self.answer_tokens)

    # -- memory -------------------------------------------------------------------------------------
    def generate_embedding(self, data: str, **kwargs) -> list[float]:
        return self.store.embed(data).tolist()

    def add_question_sql(self, question: str, sql: str, **kwargs) -> str:
        return self.store.add("sql", sql, question)

    def add_ddl(self, ddl: str, **kwargs) -> str:
        return self.store.add("ddl", ddl)

    def add_documentation(self, documentation: str, **kwargs) -> str:
        return self.store.add("documentation", documentation)

    def get_similar_question_sql(self, question: str, **kwargs) -> list:
        return [{"question": q, "sql": s} for q, s in self.store.nearest("sql", question, 2)]

    def get_related_ddl(self, question: str, **kwargs) -> list:
        return [c for _, c in self.store.nearest("ddl", question, 3)]

    def get_related_documentation(self, question: str, **kwargs) -> list:
        # Three of each keeps the prompt near 1,000 tokens: vanna's prompt changes with every question,
        # so every token is evaluated afresh (~70 tokens/s on two cores).
        return [c for _, c in self.store.nearest("documentation", question, 3)]

    def get_training_data(self, **kwargs) -> pd.DataFrame:
        return pd.DataFrame(self.store.all())

    def remove_training_data(self, id: str, **kwargs) -> bool:  # noqa: A002 (vanna's signature)
        return self.store.remove(id)


def catalog_ddl(catalog: Catalog, schema: dict[str, dict[str, str]]) -> list[str]:
    out = []
    for name, table in catalog.tables.items():
        columns = schema.get(name) or schema.get(name.lower()) or {}
        if not columns:
            continue
        comment = f" -- {table.description.zh} / {table.description.en}" if table.description.zh else ""
        body = ",\n  ".join(f"{c} {t}" for c, t in columns.items())
        out.append(f"CREATE TABLE {name} ({comment}\n  {body}\n);")
    return out


def catalog_documentation(catalog: Catalog) -> list[str]:
    docs = []
    for m in catalog.visible_metrics().values():
        if m.type in ("simple", "period_end"):
            how = f"{m.agg}({m.expr or '*'}) FROM {m.table}" + (f" WHERE {m.where}" if m.where else "")
        elif m.type == "ratio":
            how = f"{m.numerator} / {m.denominator} (ratio of sums)"
        else:
            how = m.formula or ""
        docs.append(f"Metric {m.name.zh} ({m.name.en}, synonyms {'、'.join(m.synonyms[:5])}): {m.description.zh} "
                    f"Computed as {how}. Time column: "
                    f"{catalog.tables[m.table].time.column if m.table else 'of its parts'}.")
    for d in catalog.dimensions.values():
        values = f" Values: {'、'.join(d.values)}." if d.values else ""
        docs.append(f"Dimension {d.name.zh} ({d.name.en}) is {d.table}.{d.column}.{values}")
    return docs


def train_from_catalog(vn: ChatBIVanna, catalog: Catalog, schema: dict[str, dict[str, str]], dialect: str,
                       as_of: dt.date) -> int:
    """DDL, the catalog's definitions, and the catalog's sample questions compiled by the semantic
    layer (curated by the data team, so verified); analysts' verified answers are added as they come."""
    from chatbi.pipeline.interpret import build_query
    from chatbi.pipeline.matcher import match
    from chatbi.pipeline.vocabulary import build_vocabulary
    from semantic_layer import SemanticError, compile_query

    items = 0
    for ddl in catalog_ddl(catalog, schema):
        vn.add_ddl(ddl)
        items += 1
    for doc in catalog_documentation(catalog):
        vn.add_documentation(doc)
        items += 1
    vocab = build_vocabulary(catalog)
    for mid, m in catalog.visible_metrics().items():
        for question in [*m.samples.zh, *m.samples.en]:
            found = match(question, vocab, as_of)
            if not found.fully_matched or [sorted(h.payload) for h in found.metric_hits] != [[mid]]:
                continue
            draft = build_query(catalog, found, [mid], as_of)
            if draft.query is None:
                continue
            try:
                sql = compile_query(catalog, draft.query, dialect=dialect, as_of=as_of).sql
            except SemanticError:
                continue
            if sql.upper().startswith("WITH"):
                continue  # keep examples short: a long prompt costs seconds per question on a small CPU
            vn.add_question_sql(question, sql)
            items += 1
    return items
