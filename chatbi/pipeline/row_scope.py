"""Whose rows an answer covers: a user restricted by row-level security is told so with every
answer (全省欠费金额 asked by an outlet's staff is *their outlet's* figure, never the province's)."""

from __future__ import annotations

import threading

from sqlglot import exp

from metric_catalog.model import Catalog
from semantic_layer import User
from semantic_layer.access import role_of, row_restrictions


class RowScope:
    def __init__(self, catalog: Catalog, warehouse):
        self.catalog, self.warehouse = catalog, warehouse
        self._labels: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def note(self, user: User) -> tuple[str, str]:
        """("仅含你的渠道「…」的数据", "Covers only your channel '…'"), or ("", "") when unrestricted."""
        restrictions = row_restrictions(self.catalog, role_of(self.catalog, user), user)
        if not restrictions:
            return "", ""
        zh, en = [], []
        for r in restrictions:
            dim = self.catalog.dimensions[r.dimension]
            label = self._label(r.dimension, r.value)
            zh.append(f"你的{dim.name.zh}「{label}」")
            en.append(f"your {dim.name.en} '{label}'")
        return f"仅含{'、'.join(zh)}的数据", f"Covers only {' and '.join(en)}"

    def _label(self, dimension: str, value) -> str:
        """The value's display name (the dimension's column where its key equals the value)."""
        key = (dimension, str(value))
        with self._lock:
            if key in self._labels:
                return self._labels[key]
        dim = self.catalog.dimensions[dimension]
        label = str(value)
        if dim.key:
            column = exp.maybe_parse(dim.column, dialect=self.warehouse.dialect)
            sql = (exp.select(column).from_(exp.to_table(dim.table, quoted=True))
                   .where(exp.column(dim.key, quoted=True).eq(exp.convert(value))).limit(1))
            try:
                rows = self.warehouse.execute(sql.sql(dialect=self.warehouse.dialect), max_rows=1).rows
            except Exception:  # the key itself is still a truthful label
                rows = []
            if rows and rows[0][0] is not None and str(rows[0][0]) != label:
                label = f"{rows[0][0]} ({value})"
        with self._lock:
            self._labels[key] = label
        return label
