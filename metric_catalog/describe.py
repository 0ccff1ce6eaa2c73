"""One line saying what a catalog item would do, so a draft can be judged without opening the file."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metric_catalog.catalog_file import Item


def describe(spec: dict, item: Item) -> str:
    """One line saying what a drafted item would do, so it can be judged without opening the file."""
    spec = spec or {}
    name = spec.get("name") or {}
    names = " / ".join(str(n) for n in (name.get("zh"), name.get("en")) if n)
    if item.section == "tables":
        time = spec.get("time") or {}
        parts = [f"key {spec['primary_key']}" if spec.get("primary_key") else "no unique key (rows counted as rows)",
                 f"time {time.get('column')} ({time.get('format', 'date')}"
                 + (f", via {time['via']})" if time.get("via") else ")") if time else "no time column",
                 *(f"→ {j.get('to')}" + (" (many-to-many)" if j.get("relationship") == "many_to_many" else "")
                   for j in spec.get("joins") or [])]
        return "; ".join(parts)
    if item.section == "dimensions":
        values = list(spec.get("values") or {})
        shown = f" values {', '.join(map(str, values[:5]))}{'…' if len(values) > 5 else ''}" if values else ""
        return f"{names}: {spec.get('table')}.{spec.get('column')}" + (f" ({spec['type']})" if spec.get("type") else "") + shown
    if spec.get("type") == "ratio":
        return f"{names}: {spec.get('numerator')} ÷ {spec.get('denominator')}"
    return f"{names}: {spec.get('agg')}({spec.get('expr') or '*'}) of {spec.get('table')}, window {spec.get('default_window')}"
