"""The one-sentence answer above the table: period, metric values, changes, the first place."""

from __future__ import annotations

import datetime as dt

from chatbi.pipeline.answer import format_value, key_text
from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer import SemanticQuery, timegrain

AVERAGE_PER = {"day": ("日均", "daily average "), "week": ("周均", "weekly average "), "month": ("月均", "monthly average "),
               "quarter": ("季均", "quarterly average "), "year": ("年均", "yearly average ")}


def _per(catalog: Catalog, query: SemanticQuery) -> tuple[str, str]:
    """月均 / 平均每个网点: an average is never read as the total."""
    if query.average_per:
        name = catalog.dimensions[query.average_per].name
        return f"平均每个{name.zh}", f"average per {name.en} of "
    return AVERAGE_PER.get(query.average_over or "", ("", ""))


def _value(catalog: Catalog, metric: str, value, averaged: bool = False) -> tuple[str, str]:
    """The value as the catalog formats it; a mean of whole numbers (月均, 平均每个网点) keeps a decimal."""
    spec = catalog.metrics[metric]
    percent = spec.format == "percent"
    fmt, decimals = ("number", 1) if averaged and spec.format == "integer" else (spec.format, spec.decimals)
    return (format_value(value, fmt, "" if percent else spec.unit.zh, decimals, compact="zh"),
            format_value(value, fmt, "" if percent else f" {spec.unit.en}", decimals, compact="en"))


def headline(catalog: Catalog, query: SemanticQuery, compiled, columns: list[dict], rows: list,
             truncated: bool = False) -> tuple[str, str]:
    """The answer in a sentence. ``truncated``: only the first rows came back, so a count of them is
    said as a lower bound, never as the total."""
    zh, en = _sentence(catalog, query, compiled, columns, rows, truncated)
    dims = [c for c in columns if c["kind"] == "dimension"]
    if rows and query.limit and query.having and dims and len(rows) < query.limit and not truncated:
        # 同比增长最快的3家 when only one grew: the rows missing are none that met the condition
        label, label_en = dims[-1]["label"], dims[-1]["label_en"]
        h = query.having[0]
        moved = {"yoy": ("同比", "year on year"), "mom": ("环比", "on the previous period")}.get(h.of)
        said = (f"{moved[0]}{'增长' if h.op.startswith('>') else '下降'}",
                f"{'rose' if h.op.startswith('>') else 'fell'} {moved[1]}") if moved and h.value == 0 else \
            ("满足条件", "met the condition")
        zh = zh[:-1] + f"（只有 {len(rows)} 个{label}{said[0]}，少于所问的 {query.limit} 个）。"
        en = en[:-1] + f" (only {len(rows)} {label_en if len(rows) == 1 else _plural(label_en)} {said[1]}, " \
                       f"fewer than the {query.limit} asked)."
    return zh, en


def _sentence(catalog: Catalog, query: SemanticQuery, compiled, columns: list[dict], rows: list,
              truncated: bool = False) -> tuple[str, str]:
    if compiled.start is not None and compiled.start == compiled.end:  # one day: 双11, yesterday
        rng = rng_en = str(compiled.start)
    else:
        rng = f"{compiled.start} 至 {compiled.end}" if compiled.start else f"截至 {compiled.end} 的全部数据"
        rng_en = f"{compiled.start} to {compiled.end}" if compiled.start else f"all data up to {compiled.end}"
    if compiled.start and query.metrics and query.time_group is None and not query.average_over \
            and balances(catalog, query):
        # a balance over a range is the one at its end: never read as the range's total (今年的存款余额)
        one_month = (compiled.start.year, compiled.start.month) == (compiled.end.year, compiled.end.month)
        rng = f"{compiled.end} 期末" + ("" if one_month else f"（{compiled.start} 至 {compiled.end} 的最后一期）")
        rng_en = f"the end of {compiled.end}" + ("" if one_month else f" (the last period of {compiled.start} to {compiled.end})")
    metric_cols = [(i, c) for i, c in enumerate(columns) if c["kind"] == "metric"]
    if not rows:
        return _none_met(catalog, query, rng, rng_en)
    if query.place and metric_cols:
        return _at_place(catalog, query, columns, rows, rng, rng_en)
    if not metric_cols:  # a listing: as the catalog has them now, no period; its conditions said
        first = columns[0]
        scope_zh, scope_en = _scope(query, [], catalog)
        where_zh = f"（{'，'.join(scope_zh)}）" if scope_zh else ""
        where_en = f" ({'; '.join(scope_en)})" if scope_en else ""
        if truncated:
            return (f"超过 {len(rows)} 个{first['label']}{where_zh}，只列出前 {len(rows)} 个。",
                    f"More than {len(rows)} {_plural(first['label_en'])}{where_en}; the first {len(rows)} are listed.")
        named = sum(r[0] is not None for r in rows)  # the online mall's empty province is no province
        extra_zh = f"（另有{first.get('empty') or '空值'}）" if named < len(rows) else ""
        extra_en = f" (and {first.get('empty_en') or 'the empty value'})" if named < len(rows) else ""
        return (f"共 {named} 个{first['label']}{where_zh}{extra_zh}。",
                f"{named} {first['label_en'] if named == 1 else _plural(first['label_en'])}{where_en}{extra_en}.")
    if len(rows) == 1:
        keys = [key_text(c, rows[0][i]) for i, c in enumerate(columns) if c["kind"] in ("time", "dimension")]
        keys_en = [key_text(c, rows[0][i], "en") for i, c in enumerate(columns) if c["kind"] in ("time", "dimension")]
        # the scope a single number is for, as asked (杭州, 不含 自营厅): never a bare number
        scope_zh, scope_en = _scope(query, keys, catalog)
        if keys and any(z.startswith("不含") for z in scope_zh):  # 宁波（不含杭州）, never 不含杭州、宁波
            keys, keys_en = [f"{'、'.join(keys)}（{'，'.join(scope_zh)}）"], [f"{', '.join(keys_en)} ({'; '.join(scope_en)})"]
        else:
            keys, keys_en = scope_zh + keys, scope_en + keys_en
        parts_zh, parts_en = [], []
        for i, c in metric_cols:
            spec = catalog.metrics[c["metric"]]
            zh, en = _value(catalog, c["metric"], rows[0][i], bool(query.average_over or query.average_per))
            per_zh, per_en = _per(catalog, query)  # 月均: never read as the total
            parts_zh.append(f"{per_zh}{spec.name.zh}为 {zh}")
            parts_en.append(f"{per_en}{spec.name.en} was {en}")
        values = {c["name"]: rows[0][i] for i, c in enumerate(columns)}
        for i, c in enumerate(columns):
            if c["kind"] != "comparison" or rows[0][i] is None:
                continue
            if c["name"].endswith("_change"):  # 较年初增加了多少: the change itself (a rate's: in points, below)
                if c["format"] != "percent":
                    zh, en = _value(catalog, c["metric"], abs(rows[0][i]))
                    sign = "-" if float(rows[0][i]) < 0 else "+"
                    parts_zh.append(f"{c['label']} {sign}{zh}")
                    parts_en.append(f"{c['label_en']} {sign}{en}")
                continue
            if c["format"] != "percent":
                continue
            if c["name"].endswith("_prev"):  # the compared period's value, not a change: no sign
                parts_zh.append(f"{c['label']} {float(rows[0][i]) * 100:.2f}%")
                parts_en.append(f"{c['label_en']} {float(rows[0][i]) * 100:.2f}%")
                continue
            sign = "" if c["name"].endswith("__share") else "+"  # a share has no direction
            zh, en = f"{c['label']} {float(rows[0][i]) * 100:{sign}.1f}%", f"{c['label_en']} {float(rows[0][i]) * 100:{sign}.1f}%"
            metric, _, kind = c["name"].partition("__")
            prev = values.get(f"{c['name']}_prev")
            if kind in ("mom", "yoy", "ystart") and catalog.metrics.get(metric) and catalog.metrics[metric].format == "percent" \
                    and prev is not None and values.get(metric) is not None:
                # a rate's change is relative (%); the difference of the rates is said in percentage points
                points = (float(values[metric]) - float(prev)) * 100
                zh, en = zh + f"（{points:+.2f}个百分点）", en + f" ({points:+.2f} percentage points)"
            parts_zh.append(zh)
            parts_en.append(en)
        who_zh, who_en = (f"{'、'.join(keys)}：", f" ({', '.join(keys_en)})") if keys else ("", "")
        dims = [k for k, col in enumerate(columns) if col["kind"] == "dimension"]
        if (counted := _groups_counted(query, columns, rows, dims)) is not None:  # 超过100万的门店有几家: 1
            who_zh, who_en = f"{counted[0].lstrip('，')}，{who_zh}", f" ({counted[1].lstrip(': ')}){who_en}"
        if dims:  # 中收最少的支行: of those with any, or every one with none at 0
            note_zh, note_en = _without_data(catalog, query, columns, dims[0])
            parts_zh[-1], parts_en[-1] = parts_zh[-1] + note_zh, parts_en[-1] + note_en
        return (f"{rng}，{who_zh}" + "，".join(parts_zh) + "。",
                f"For {rng_en}{who_en}: " + "; ".join(parts_en) + ".")
    i, c = metric_cols[0]
    spec = catalog.metrics[c["metric"]]
    per_zh, per_en = _per(catalog, query)  # 月均报案件数, by row: not totals
    # the filters too (a follow-up 只看杭州 or a drill): rows of 杭州's districts say they are 杭州's
    scope_zh, scope_en = _scope(query, [], catalog)
    where_zh, where_en = "".join(f"{s}，" for s in scope_zh), "".join(f" in {s}" for s in scope_en)
    dims = [k for k, col in enumerate(columns) if col["kind"] == "dimension"]
    if truncated:
        zh = f"{rng}，{where_zh}{spec.name.zh}，超过 {len(rows)} 行，只显示前 {len(rows)} 行"
        en = f"{spec.name.en}{where_en} for {rng_en}: more than {len(rows)} rows, the first {len(rows)} shown"
    elif (counted := _groups_counted(query, columns, rows, dims)) is not None:  # 超过100万的门店有几家
        names = [catalog.metrics[col["metric"]].name for _, col in metric_cols]
        zh = f"{rng}，{where_zh}{'、'.join(n.zh for n in names)}{counted[0]}"
        en = f"{' and '.join(n.en for n in names)}{where_en} for {rng_en}{counted[1]}"
    else:
        zh = f"{rng}，{where_zh}{per_zh}{spec.name.zh}，共 {len(rows)} 行"
        en = f"{per_en}{spec.name.en}{where_en} for {rng_en}: {len(rows)} rows"
        top = query.top_within
        if top and not top.descending and len(dims) > 1 and _counted_metric(catalog, top.metric):
            # 每个城市投诉最少的网点: a depot with none has no row to rank in its city
            ranked = columns[dims[-1]]
            zh += f"（每组只排该期间有数据的{ranked['label']}，没有数据的不在其中）"
            en += f" (in each group only {_plural(ranked['label_en'])} with data in the period are ranked)"
    by = [k for k, col in enumerate(columns) if query.order_by and col["name"] == query.order_by[0].field]
    if by and columns[by[0]]["kind"] == "comparison" and len(dims) == 1 and rows[0][by[0]] is not None:
        # ranked by the change (同比下降最多): name the first place by its change, not by its value
        k, col, high = by[0], columns[by[0]], query.order_by[0].descending
        change = change_ = f"{float(rows[0][k]) * 100:+.1f}%"
        metric = col["name"].split("__")[0]
        if col["name"].endswith("_change") and metric in catalog.metrics:  # by how much it moved: its own unit
            if catalog.metrics[metric].format == "percent":  # a rate moves in points
                change, change_ = f"{float(rows[0][k]) * 100:+.2f}个百分点", f"{float(rows[0][k]) * 100:+.2f} points"
            else:
                sign = "+" if float(rows[0][k]) > 0 else ""
                change, change_ = (sign + v for v in _value(catalog, metric, rows[0][k]))
        first = columns[dims[0]]
        zh += f"；{col['label']}{'最高' if high else '最低'}的是{key_text(first, rows[0][dims[0]])}（{change}）"
        en += f"; {'highest' if high else 'lowest'} {col['label_en']}: {key_text(first, rows[0][dims[0]], 'en')} ({change_})"
    elif query.order_by and len(dims) == 1 and rows[0][i] is not None:  # a ranking: name the first place
        top, top_en = _value(catalog, c["metric"], rows[0][i])
        high = query.order_by[0].descending
        first = columns[dims[0]]
        zh += f"；{'最高' if high else '最低'}的是{key_text(first, rows[0][dims[0]])}（{top}）"
        en += f"; {'highest' if high else 'lowest'}: {key_text(first, rows[0][dims[0]], 'en')} ({top_en})"
        note_zh, note_en = _without_data(catalog, query, columns, dims[0])
        zh, en = zh + note_zh, en + note_en
    return zh + "。", en + "."


def _at_place(catalog: Catalog, query: SemanticQuery, columns: list[dict], rows: list, rng: str,
              rng_en: str) -> tuple[str, str]:
    """排名第二的分行: the rows at that place, named (ties said); when two tie above it there is no
    such place, and the answer says who tie instead of naming the next one as second."""
    order = query.order_by[0]
    place_at = next(k for k, c in enumerate(columns) if c["name"] == f"{order.field}__place")
    dim = next(k for k, c in enumerate(columns) if c["kind"] == "dimension")
    value_at = next((k for k, c in enumerate(columns) if c["name"] == order.field), None)
    metric = order.field.split("__")[0]
    name = columns[value_at]["label"] if value_at is not None else catalog.metrics[metric].name.zh
    name_en = columns[value_at]["label_en"] if value_at is not None else catalog.metrics[metric].name.en
    which, which_en = ("排名第", "place ") if order.descending else ("倒数第", "place from the bottom ")
    scope_zh, scope_en = _scope(query, [], catalog)
    where_zh, where_en = "".join(f"{s}，" for s in scope_zh), "".join(f" in {s}" for s in scope_en)

    def said(row, lang="zh"):
        if value_at is None or row[value_at] is None:
            return key_text(columns[dim], row[dim], lang)
        value = _value(catalog, metric, row[value_at])[0 if lang == "zh" else 1] if metric in catalog.metrics \
            and columns[value_at]["kind"] == "metric" else f"{float(row[value_at]) * 100:+.1f}%"
        return f"{key_text(columns[dim], row[dim], lang)}（{value}）" if lang == "zh" else \
            f"{key_text(columns[dim], row[dim], lang)} ({value})"
    at = [r for r in rows if r[place_at] == query.place]
    label, label_en = columns[dim]["label"], columns[dim]["label_en"]
    only_zh, only_en = _without_data(catalog, query, columns, dim)
    if at:
        tie, tie_en = ("并列", "tied ") if len(at) > 1 else ("", "")
        return (f"{rng}，{where_zh}{name}{tie}{which}{query.place}的{label}是" + "、".join(said(r) for r in at) + f"{only_zh}。",
                f"For {rng_en}{where_en}, {tie_en}{which_en}{query.place} by {name_en}: "
                + ", ".join(said(r, "en") for r in at) + f"{only_en}.")
    last = max(r[place_at] for r in rows)
    above = [r for r in rows if r[place_at] == last]
    if len(rows) < query.place and len(above) == 1:
        return (f"{rng}，{where_zh}只有 {len(rows)} 个{label}有{name}数据，没有{which}{query.place}。",
                f"For {rng_en}{where_en}, only {len(rows)} {_plural(label_en)} have {name_en}: no {which_en}{query.place}.")
    return (f"{rng}，{where_zh}{name}没有{which}{query.place}的{label}：" + "、".join(said(r) for r in above)
            + f"并列{which}{last}。",
            f"For {rng_en}{where_en}, there is no {which_en}{query.place} by {name_en}: "
            + ", ".join(said(r, "en") for r in above) + f" tie for {which_en}{last}.")


def _without_data(catalog: Catalog, query: SemanticQuery, columns: list[dict], dim: int) -> tuple[str, str]:
    """What an ascending ranking of a sum or a count says of the things with no rows: not in it (新增用户
    最少的渠道 of those with any — an outlet with none may not have been open, so it is no 0 of the data's)."""
    if not query.order_by or query.order_by[0].descending or query.order_by[0].field not in query.metrics:
        return "", ""
    label, plural = columns[dim]["label"], _plural(columns[dim]["label_en"])
    if _counted_metric(catalog, query.order_by[0].field):
        return f"（只排该期间有数据的{label}，没有数据的不在其中）", f" (only {plural} with data in the period are ranked)"
    return "", ""


def _counted_metric(catalog: Catalog, metric: str) -> bool:
    """A sum or a count: a thing with no rows would be at 0, and has no row to rank."""
    spec = catalog.metrics[metric]
    return spec.type == "simple" and spec.agg in ("sum", "count", "count_distinct")


def stated_count(query: SemanticQuery, columns: list[dict], rows: list, truncated: bool = False) -> int | None:
    """The count the headline says as the answer (共 10 个代理人, 满足条件的分公司共 6 个): the things a
    listing names, or the groups a condition selects; None when it says no count or a cut one."""
    if truncated or not rows:
        return None
    dims = [k for k, c in enumerate(columns) if c["kind"] == "dimension"]
    if not any(c["kind"] == "metric" for c in columns):
        return sum(r[0] is not None for r in rows)
    if _groups_counted(query, columns, rows, dims) is None:
        return None
    key = (dims or [k for k, c in enumerate(columns) if c["kind"] == "time"])[0]
    return sum(r[key] is not None for r in rows)


PERIOD_LABELS = {"month": ("月份", "month"), "quarter": ("季度", "quarter"), "year": ("年份", "year"),
                 "week": ("周", "week"), "day": ("天", "day")}


def _groups_counted(query: SemanticQuery, columns: list[dict], rows: list, dims: list[int]) -> tuple[str, str] | None:
    """The groups a condition selects, counted (the rows with no key, such as the online mall, are
    not one of the stores); a condition of 'below' cannot see the groups with no data at all."""
    times = [k for k, c in enumerate(columns) if c["kind"] == "time"]
    if not query.having or len(dims) + len(times) != 1 or query.limit or query.top_within:
        return None
    if times:  # 销售额超过1000万的月份: the periods are what is counted
        grain = next((g.grain for g in query.group_by if g.grain), "")
        zh_label, en_label = PERIOD_LABELS.get(grain, ("期", "period"))
        col = {"label": zh_label, "label_en": en_label}
    else:
        col = columns[dims[0]]
    dims = dims or times
    named = sum(r[dims[0]] is not None for r in rows)
    zh = f"，满足条件的{col['label']}共 {named} 个"
    en = f": {named} {col['label_en'] if named == 1 else _plural(col['label_en'])} " + \
        ("meets the condition" if named == 1 else "meet the condition")
    if named < len(rows):
        zh, en = zh + f"（另有{col.get('empty') or '空值'}）", en + f" (and {col.get('empty_en') or 'the empty value'})"
    if not times and any(h.op in ("<", "<=", "=") and h.of == "value" for h in query.having):  # a spine has every period
        zh += f"；该期间没有数据的{col['label']}不在其中"
        en += f"; {_plural(col['label_en'])} with no data in the period are not among them"
    return zh, en


BOUNDS = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}


def _scope(query: SemanticQuery, keys: list[str], catalog=None) -> tuple[list[str], list[str]]:
    """The filters' values as the answer's scope (杭州, 不含自营厅), those not already a row key."""
    zh, en = [], []
    for f in query.filters:
        values = "/".join(map(str, f.values))
        if values in keys:
            continue
        if f.op == "between":  # 开业日期 2025-01-01 至 2025-12-31
            name = catalog.dimensions[f.dimension].name if catalog else None
            zh.append(f"{name.zh if name else ''}{f.values[0]} 至 {f.values[1]}")
            en.append(f"{name.en + ' ' if name else ''}{f.values[0]} to {f.values[1]}")
            continue
        excluded = f.op in ("not in", "!=")
        spec = catalog.dimensions.get(f.dimension) if catalog else None
        if spec is not None and (f.op in BOUNDS or spec.type == "number"):  # 开业年份≥2024, not a bare 2024
            zh.append(f"{spec.name.zh}{BOUNDS.get(f.op, '不是' if excluded else '=')}{values}")
            en.append(f"{spec.name.en} {BOUNDS.get(f.op, 'not ' if excluded else '')}{values}")
            continue
        if excluded and spec is not None and _may_be_empty(catalog, query, f.dimension):
            # NOT IN leaves out the rows with no value too (the online mall has no region): said, not hidden
            zh.append(f"不含{values}及{spec.empty_name('zh')}")
            en.append(f"not {values} nor {spec.empty_name('en')}")
            continue
        zh.append(("不含" if excluded else "") + values)
        en.append(("not " if excluded else "") + values)
    return zh, en


def _may_be_empty(catalog: Catalog, query: SemanticQuery, dimension: str) -> bool:
    """Whether the metrics' rows can have no value of the dimension (online sign-ups have no city;
    a room night always has one): only then does NOT IN leaving them out need saying."""
    spec = catalog.dimensions[dimension]
    if spec.nullable:
        return True
    tables = {catalog.metrics[leaf].table for m in query.metrics for leaf in graph.leaf_metrics(catalog, m)}
    return any(not step.inner for t in tables for step in graph.join_path(catalog, t, spec.table) or [])


def balances(catalog: Catalog, query: SemanticQuery) -> bool:
    """Are all the metrics balances, or ratios of balances (不良率)? Each is read at a period's end."""
    return bool(query.metrics) and all(catalog.metrics[leaf].type == "period_end"
                                       for m in query.metrics for leaf in graph.leaf_metrics(catalog, m))


def period_notes(query: SemanticQuery, compiled, at_end: bool = False) -> tuple[str, str]:
    """What a number is compared with, and a last period that is not whole: said, never left to guess
    (本月环比 compares 15 days with the 15 days before them; a trend's last month may be half a month).
    ``at_end``: balances, compared at the compared period's end (环比对比 2026-09-30 期末)."""
    zh, en = [], []
    grain = next((g.grain for g in query.group_by if g.grain), None)
    start, end = compiled.start, compiled.end
    if start is not None and not grain:
        for kind, name, name_en in (("mom", "环比", "compared"), ("yoy", "同比", "YoY"), ("ystart", "较年初", "start of year")):
            if kind in query.comparisons or any(h.of.removesuffix("_change") == kind for h in query.having):
                prev_start, prev_end = timegrain.compared_range(kind, None, start, end)  # as the SQL reads it
                if kind == "ystart" or at_end:  # a balance's opening: last year's closing one
                    zh.append(f"{name}对比 {prev_end} 期末")
                    en.append(f"against the balance at {prev_end}")
                    continue
                zh.append(f"{name}对比 {prev_start} 至 {prev_end}")
                en.append(f"{name_en} against {prev_start} to {prev_end}")
    if start is not None and grain and grain != "day":
        if timegrain.bucket_start(start, grain) < start:
            zh.append(f"第一期只含 {start} 起的数据")
            en.append(f"the first {grain} holds only data from {start}")
        last = timegrain.bucket_start(end, grain)
        if timegrain.next_bucket(last, grain) - dt.timedelta(days=1) > end:
            zh.append(f"最后一期只含 {last} 至 {end} 的数据")
            en.append(f"the last {grain} holds only {last} to {end}")
    return ("（" + "；".join(zh) + "）" if zh else "", " (" + "; ".join(en) + ".)" if en else "")


def _plural(noun: str) -> str:
    """English plural of a catalog name for counts of listed things (2 stores, 3 cities)."""
    if not noun or not noun[-1].isalpha():
        return noun
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _none_met(catalog: Catalog, query: SemanticQuery, rng: str, rng_en: str) -> tuple[str, str]:
    """No rows: of a condition on the groups, which groups none met, and the condition said
    (环比增长最快的地市 when every city fell: no city grew, not "no data")."""
    from chatbi.pipeline.describe import having_words

    dims = [g.dimension for g in query.group_by if g.dimension in catalog.dimensions]
    if not query.having or not dims:
        return f"{rng}没有符合条件的数据。", f"No data matches for {rng_en}."
    zh, en = having_words(catalog, query)
    name = catalog.dimensions[dims[-1]].name
    return (f"{rng}没有满足条件（{'，'.join(zh)}）的{name.zh}。",
            f"For {rng_en}, no {name.en} meets the condition ({'; '.join(en)}).")
