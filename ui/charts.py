"""Plotly figures chosen by ChatBI's chart rules (KPI tile, line, ranked bar, table), with readable
Chinese labels. No model-written code: the figure follows the answer's typed columns."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from chatbi.pipeline.answer import Answer, key_text

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


def frame(answer: Answer, lang: str = "zh") -> pd.DataFrame:
    labels = [c["label_en"] if lang == "en" else c["label"] for c in answer.columns]
    named = [j for j, spec in enumerate(answer.columns) if spec.get("empty")]
    rows = answer.rows
    if named:  # a dimension's empty value by its catalog name (线上商城), not a blank
        rows = [[key_text(answer.columns[j], v, lang) if j in named and v is None else v for j, v in enumerate(r)]
                for r in rows]
    df = pd.DataFrame(rows, columns=labels)
    for col, spec in zip(labels, answer.columns, strict=True):
        if spec["kind"] in ("metric", "comparison"):
            df[col] = pd.to_numeric(df[col], errors="coerce")
    return df


def figure(answer: Answer, lang: str = "zh", height: int = 360) -> go.Figure | None:
    """A figure for line and bar answers; None for KPI tiles and tables (shown as metric / table)."""
    if answer.chart not in ("line", "bar") or not answer.rows:
        return None
    df = frame(answer, lang)
    kinds = [c["kind"] for c in answer.columns]
    names = list(df.columns)
    metrics = [n for n, k in zip(names, kinds, strict=True) if k == "metric"]
    dims = [n for n, k in zip(names, kinds, strict=True) if k == "dimension"]
    if not metrics:
        return None
    y = metrics[0]
    if answer.chart == "line":
        x = names[kinds.index("time")]
        fig = px.line(df, x=x, y=y, color=dims[0] if dims else None, markers=True)
    else:
        x = dims[0]
        ranked = bool(answer.interpretation and answer.interpretation.order_by)
        if ranked and len(df) > 6:  # a ranking reads best as horizontal bars, first on top
            fig = px.bar(df.iloc[::-1], x=y, y=x, orientation="h")
        else:
            fig = px.bar(df, x=x, y=y)
    percent = answer.columns[names.index(y)]["format"] == "percent"
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), font=dict(family=FONT, size=13),
                      legend_title_text="", hovermode="x unified" if answer.chart == "line" else "closest")
    if percent:
        axis = "xaxis" if fig.data and fig.data[0].orientation == "h" else "yaxis"
        fig.update_layout(**{axis: dict(tickformat=".1%")})
    return fig


def excel_bytes(df: pd.DataFrame) -> bytes:
    import io

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        df.to_excel(writer, index=False, sheet_name="ChatBI")
    return buffer.getvalue()
