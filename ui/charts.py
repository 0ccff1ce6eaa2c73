"""Plotly figures chosen by ChatBI's chart rules (KPI tile, line, ranked bar, table), with readable
Chinese labels. No model-written code: the figure follows the answer's typed columns."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from chatbi.pipeline.answer import Answer, key_text

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


SORTS = ("value_desc", "value_asc", "name")  # by the number, high first / low first; by the name


def frame(answer: Answer, lang: str = "zh", keys_as_text: bool = True) -> pd.DataFrame:
    """The answer's rows under its column labels; keys as shown (2026-01, 线上商城) unless
    ``keys_as_text`` is off (the download keeps dates as dates)."""
    labels = column_labels(answer, lang)
    shown = [j for j, c in enumerate(answer.columns) if c.get("empty") or keys_as_text and c["kind"] == "time"]
    rows = answer.rows
    if shown:
        rows = [[key_text(answer.columns[j], v, lang) if j in shown and (v is None or answer.columns[j]["kind"] == "time")
                 else v for j, v in enumerate(r)] for r in rows]
    df = pd.DataFrame(rows, columns=labels)
    for col, spec in zip(labels, answer.columns, strict=True):
        if spec["kind"] in ("metric", "comparison"):
            df[col] = pd.to_numeric(df[col], errors="coerce")
    return df


def column_labels(answer: Answer, lang: str = "zh") -> list[str]:
    """Headers as shown: a metric's with its unit (欠费金额（元）, ARPU (yuan per subscriber))."""
    out = []
    for c in answer.columns:
        label, unit = (c["label_en"], c.get("unit_en")) if lang == "en" else (c["label"], c.get("unit"))
        out.append(label if not unit else (f"{label} ({unit})" if lang == "en" else f"{label}（{unit}）"))
    return out


def chart_kinds(answer: Answer) -> list[str]:
    """The views an answer can switch between: its own chart first, then the others that fit."""
    if answer.chart not in ("line", "bar") or all(c["kind"] != "metric" for c in answer.columns):
        return []
    return [answer.chart, "line" if answer.chart == "bar" else "bar", "table"]


def default_sort(answer: Answer) -> str:
    """Bars highest first, as on dashboards; a ranking in its own direction (lowest first for 最低)."""
    order = answer.interpretation.order_by if answer.interpretation is not None else []
    return "value_asc" if order and not order[0].descending else "value_desc"


def sorted_frame(answer: Answer, lang: str, sort: str) -> pd.DataFrame:
    """Rows in ``sort`` order; a series over time always runs left to right."""
    df = frame(answer, lang)
    pairs = list(zip(df.columns, answer.columns, strict=True))
    metrics = [label for label, c in pairs if c["kind"] == "metric"]
    dims = [label for label, c in pairs if c["kind"] == "dimension"]
    if not metrics or any(c["kind"] == "time" for _, c in pairs):
        return df
    if sort == "name" and dims:
        return df.sort_values(dims[0], kind="stable")
    return df.sort_values(metrics[0], ascending=sort == "value_asc", kind="stable", na_position="last")


def figure(answer: Answer, lang: str = "zh", height: int = 360, kind: str | None = None,
           sort: str | None = None) -> go.Figure | None:
    """A figure for line and bar answers (``kind`` may switch between them); None for KPI tiles and
    tables (shown as metric / table)."""
    kind = kind or answer.chart
    if kind not in ("line", "bar") or answer.chart not in ("line", "bar") or not answer.rows:
        return None
    df = sorted_frame(answer, lang, sort or default_sort(answer))
    kinds = [c["kind"] for c in answer.columns]
    names = list(df.columns)
    metrics = [n for n, k in zip(names, kinds, strict=True) if k == "metric"]
    dims = [n for n, k in zip(names, kinds, strict=True) if k == "dimension"]
    if not metrics:
        return None
    y = metrics[0]
    x = names[kinds.index("time")] if "time" in kinds else dims[0]
    colour = dims[0] if "time" in kinds and dims else None
    if kind == "line":
        fig = px.line(df, x=x, y=y, color=colour, markers=True)
    elif len(df) > 6 and "time" not in kinds:  # many bars read best horizontal, first on top
        fig = px.bar(df.iloc[::-1], x=y, y=x, orientation="h")
    else:
        fig = px.bar(df, x=x, y=y, color=colour, barmode="group")
    percent = answer.columns[names.index(y)]["format"] == "percent"
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), font=dict(family=FONT, size=13),
                      legend_title_text="", hovermode="x unified" if kind == "line" else "closest",
                      clickmode="event+select")
    if "time" in kinds:  # periods as labels (2026-01), in order, not a date axis with gaps
        fig.update_xaxes(type="category")
    if percent:
        axis = "xaxis" if fig.data and fig.data[0].orientation == "h" else "yaxis"
        fig.update_layout(**{axis: dict(tickformat=".1%")})
    return fig


def clicked_key(answer: Answer, event, lang: str = "zh") -> tuple[str, object] | None:
    """(dimension, value) of the bar a click selected on ``figure(answer)``; None for none or a line."""
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else \
        getattr(getattr(event, "selection", None), "points", []) or []
    dims = [(j, c) for j, c in enumerate(answer.columns) if c["kind"] == "dimension"]
    if not points or len(dims) != 1 or any(c["kind"] == "time" for c in answer.columns):
        return None
    point = points[0]
    shown = point.get("y") if point.get("orientation") == "h" or isinstance(point.get("x"), (int, float)) \
        else point.get("x")
    j, column = dims[0]
    for row in answer.rows:
        if key_text(column, row[j], lang) == str(shown):
            return (column["name"], row[j]) if row[j] is not None else None
    return None


def excel_bytes(df: pd.DataFrame) -> bytes:
    import io

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        df.to_excel(writer, index=False, sheet_name="ChatBI")
    return buffer.getvalue()
