"""Where each fact table's data begins, so a period (or a compared period) before it is never
answered with the zero that "no rows matched" gives: the data does not say 0 there, it says
nothing. Read from the warehouse once per table and process (MIN of the table's day)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from chatbi.pipeline.event_years import year_of
from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer import SemanticQuery, timegrain
from semantic_layer.scan import time_column

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BeforeData:
    """Why a query reaches before the data: its period, or the period a comparison needs."""
    first_day: dt.date
    compared: str | None = None  # mom | yoy: only the compared period is before the data
    needed: dt.date | None = None  # the compared period's first day


class DataSpans:
    def __init__(self, catalog: Catalog, warehouse):
        self.catalog, self.warehouse = catalog, warehouse
        self._first: dict[str, dt.date | None] = {}
        self._lock = threading.Lock()

    def first_day(self, table: str) -> dt.date | None:
        with self._lock:
            if table not in self._first:
                self._first[table] = self._read_first_day(table)
            return self._first[table]

    def _read_first_day(self, table: str) -> dt.date | None:
        from sqlglot import exp

        from semantic_layer.sources import table_source

        time = self.catalog.tables[table].time
        if time.data_from is not None:  # declared by the catalog: events may begin days after the data
            return time.data_from
        day = time_column(self.catalog, table)
        if time.format == "yyyymm":
            day = timegrain.as_date(day, time)
        select = exp.select(exp.Min(this=day)).from_(table_source(self.catalog, table))
        if time.via:
            from semantic_layer.scan import join_tables

            select = join_tables(self.catalog, table, [time.via], select)
        try:
            value = self.warehouse.execute(select.sql(dialect=self.warehouse.dialect), max_rows=1).rows[0][0]
        except Exception as exc:  # the answer goes on without the check; validate reports broken columns
            log.warning("cannot read where %s's data begins: %s", table, exc)
            return None
        if value is None or isinstance(value, dt.date):
            return value.date() if isinstance(value, dt.datetime) else value
        return dt.date.fromisoformat(str(value)[:10])

    def start_of(self, query: SemanticQuery) -> dt.date | None:
        """The first day any table of the query has data: before it no table says anything. (Not the
        latest first day: a table of events may simply have none on the first days — no return on
        1 January — and cutting there would drop the other tables' real rows.)"""
        tables = {self.catalog.metrics[leaf].table for m in query.metrics for leaf in graph.leaf_metrics(self.catalog, m)}
        days = [d for t in sorted(t for t in tables if t and self.catalog.tables[t].time)
                if (d := self.first_day(t)) is not None]
        return min(days) if days else None

    def years_before_data(self, query: SemanticQuery, start: dt.date | None) -> tuple[str, int, bool] | None:
        """(dimension, first year with data, nothing left) for a condition on the year of a table's own
        date that reaches before that table's data (2023年以前承保的保单): those years have no rows
        here, which says nothing about them, not 0. A period on that same date from ``start`` within
        the data already bounds the condition."""
        tables = {self.catalog.metrics[leaf].table for m in query.metrics for leaf in graph.leaf_metrics(self.catalog, m)}
        for f in query.filters:
            dim = self.catalog.dimensions.get(f.dimension)
            table = self.catalog.tables.get(dim.table) if dim is not None else None
            if table is None or table.time is None or table.time.via or not year_of(dim.column, table.time.column):
                continue
            first = self.first_day(dim.table)
            years = [int(v) for v in f.values if str(v).lstrip("-").isdigit()]
            if first is None or not years or f.op in ("!=", "not in"):
                continue
            low = {"<": None, "<=": None, ">": years[0] + 1}.get(f.op, min(years))
            high = {"<": years[0] - 1, ">": None, ">=": None}.get(f.op, max(years))
            if high is not None and high < first.year:
                return f.dimension, first.year, True
            if (low is None or low < first.year) and not (dim.table in tables and start and start.year >= first.year):
                return f.dimension, first.year, False
        return None

    def before_data(self, query: SemanticQuery, start: dt.date | None, end: dt.date) -> BeforeData | None:
        first = self.start_of(query) if query.metrics else None
        if first is None:
            return None
        if end < first or (start is not None and start < first):
            return BeforeData(first)
        grain = next((g.grain for g in query.group_by if g.grain), None)
        kinds = [*query.comparisons, *(h.of.removesuffix("_change") for h in query.having)]
        for kind in dict.fromkeys(k for k in kinds if k in ("mom", "yoy", "ystart")):
            needed = (timegrain.compared_range(kind, grain, start or end, end)[0] if kind == "ystart" else
                      timegrain.comparison_shift(kind, grain, start or end, end).apply(start or end))
            if needed < first:
                return BeforeData(first, kind, needed)
        return None
