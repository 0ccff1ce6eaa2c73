"""Edits to a catalog file that keep its comments, key order and layout (a ruamel.yaml round
trip), for `chatbi catalog review`, the gaps assistant and the workbench. Nothing is written until
the edited text loads as a valid catalog: a bad edit leaves the file exactly as it was."""

from __future__ import annotations

import copy
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from metric_catalog.loader import CatalogError, load_catalog
from metric_catalog.model import Catalog

SECTIONS = ("tables", "dimensions", "metrics")
SINGULAR = {"tables": "table", "dimensions": "dimension", "metrics": "metric"}


class EditError(ValueError):
    """An edit that cannot be made; the message says what to do instead."""


@dataclass(frozen=True)
class Item:
    section: str  # tables | dimensions | metrics
    id: str

    @property
    def ref(self) -> str:
        return f"{SINGULAR[self.section]}:{self.id}"


def _yaml(text: str = "") -> YAML:
    yaml = YAML()  # round trip: comments and order survive
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the file's long lines
    offset = _dash_offset(text)
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    return yaml


def _dash_offset(text: str) -> int:
    """How far the file indents a list's dashes under its key (0 for PyYAML's dumps, 2 for the hand-
    written catalogs), so an edit does not re-indent every list in the file."""
    previous = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("- ") and previous.rstrip().endswith(":"):
            return max(0, (len(line) - len(stripped)) - (len(previous) - len(previous.lstrip())))
        if stripped and not stripped.startswith("#"):
            previous = line
    return 2


def _references(section: str, spec) -> set[tuple[str, str]]:
    """The (section, id) pairs an item's spec refers to, read by field: a column that happens to
    share an id is not a reference."""
    spec = spec or {}
    if section == "tables":
        via = (spec.get("time") or {}).get("via")  # joins to a removed table are dropped, not their table
        return {("tables", via)} if via else set()
    refs = {("tables", spec.get("table")), ("dimensions", spec.get("parent"))}
    if section == "metrics":
        refs |= {("metrics", spec.get(k)) for k in ("numerator", "denominator")}
        refs |= {("dimensions", d) for d in [spec.get("ranked_by"), *(spec.get("dimensions") or []),
                                             *(f.get("dimension") for f in spec.get("filters") or [])]}
        refs |= {("metrics", w) for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", spec.get("formula") or "")}
    return {(s, i) for s, i in refs if i}


class CatalogFile:
    """One catalog YAML file, open for editing."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.original = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise EditError(f"cannot read {self.path}: {exc.strerror}") from exc
        self.doc = _yaml(self.original).load(self.original)
        if not isinstance(self.doc, dict):
            raise EditError(f"{self.path} is not a catalog (a YAML mapping with tables, dimensions, metrics)")
        for section in SECTIONS:
            if self.doc.get(section) is None:
                self.doc[section] = CommentedMap()

    # -- finding items -------------------------------------------------------------------------
    def items(self) -> list[Item]:
        return [Item(s, i) for s in SECTIONS for i in self.doc[s]]

    def drafts(self) -> list[Item]:
        return [it for it in self.items() if (self.spec(it) or {}).get("draft")]

    def spec(self, item: Item) -> CommentedMap:
        return self.doc[item.section][item.id]

    def find(self, ref: str) -> Item:
        """'metric:total_sales', 'metrics:total_sales' or a bare id when only one section has it."""
        kind, _, ident = ref.strip().rpartition(":")
        sections = [s for s in SECTIONS if not kind or kind in (s, SINGULAR[s])]
        if kind and not sections:
            raise EditError(f"{ref!r}: write table:ID, dimension:ID or metric:ID")
        found = [Item(s, ident) for s in sections if ident in self.doc[s]]
        if not found:
            raise EditError(f"{ref!r} is not in {self.path}; `chatbi catalog review --catalog {self.path}` "
                            "lists the drafts")
        if len(found) > 1:
            raise EditError(f"{ref!r} is both {' and '.join(f.ref for f in found)}; write one of those")
        return found[0]

    def dependents(self, item: Item) -> list[Item]:
        """Items whose spec names ``item`` (a dimension's table, a ratio's numerator, a join's target)."""
        return [other for other in self.items() if other != item
                and (item.section, item.id) in _references(other.section, self.spec(other))]

    # -- edits ---------------------------------------------------------------------------------
    def accept(self, item: Item) -> None:
        self.spec(item).pop("draft", None)

    def reject(self, item: Item, cascade: bool = False) -> list[Item]:
        """Remove the item; with ``cascade`` also what refers to it, else refuse naming them."""
        removed, todo = [], [item]
        while todo:
            current = todo.pop()
            if current in removed or current.id not in self.doc[current.section]:
                continue
            users = [d for d in self.dependents(current) if d not in removed and d not in todo]
            if users and not cascade:
                names = ", ".join(u.ref for u in users)
                raise EditError(f"{current.ref} is used by {names}: reject those too, or pass --cascade")
            removed.append(current)
            todo += users
        for it in removed:
            del self.doc[it.section][it.id]
            if it.section == "tables":  # joins to a removed table go with it
                for other in self.doc["tables"].values():
                    joins = other.get("joins") or []
                    for j in [j for j in joins if j.get("to") == it.id]:
                        joins.remove(j)
        return removed

    def set(self, item: Item, field: str, value: str) -> None:
        """name.zh=新增用户, synonyms=[a, b], default_window=last_12_months (values read as YAML)."""
        parsed = _yaml().load(value) if value.strip() else ""
        node, keys = self.spec(item), field.split(".")
        for key in keys[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = CommentedMap()
            node = node[key]
        node[keys[-1]] = parsed

    def try_set(self, item: Item, field: str, value: str) -> None:
        """``set``, undone when the catalog would no longer load."""
        before = copy.deepcopy(self.spec(item))
        self.set(item, field, value)
        try:
            self.check()
        except EditError:
            self.doc[item.section][item.id] = before
            raise

    def add_synonym(self, item: Item, word: str) -> bool:
        synonyms = self.spec(item).get("synonyms")
        if synonyms is None:
            synonyms = self.spec(item)["synonyms"] = CommentedSeq()
            synonyms.fa.set_flow_style()
        if word in synonyms:
            return False
        synonyms.append(word)
        return True

    def add_value(self, dimension: str, value: str, alias: str | None = None) -> bool:
        """A value for a dimension's dictionary, or an alias of one of its values."""
        spec = self.spec(Item("dimensions", dimension))
        values = spec.get("values")
        if values is None:
            values = spec["values"] = CommentedMap()
        if value not in values or values[value] is None:
            values[value] = CommentedSeq()
            values[value].fa.set_flow_style()
        if alias is None or alias in values[value]:
            return alias is None
        values[value].append(alias)
        return True

    def add(self, item: Item, spec: dict) -> None:
        if item.id in self.doc[item.section]:
            raise EditError(f"{item.ref} already exists; edit it instead")
        self.doc[item.section][item.id] = spec

    # -- writing -------------------------------------------------------------------------------
    def text(self) -> str:
        out = io.StringIO()
        _yaml(self.original).dump(self.doc, out)
        return out.getvalue()

    def check(self) -> Catalog:
        """The edited catalog, loaded; CatalogError when the edit broke it (nothing written)."""
        folder = self.path.parent if self.path.parent.exists() else None
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", dir=folder, delete=False, encoding="utf-8") as tmp:
            tmp.write(self.text())
        try:
            return load_catalog(tmp.name)
        except CatalogError as exc:
            raise EditError("the edit would break the catalog, nothing was written:\n" +
                            "\n".join(f"  {msg}" for _, msg in exc.problems)) from exc
        finally:
            os.unlink(tmp.name)

    def save(self) -> Catalog:
        catalog = self.check()
        fd, tmp = tempfile.mkstemp(suffix=".yaml", dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(self.text())
        os.chmod(tmp, self.path.stat().st_mode & 0o777)  # mkstemp's 0600 would lock out the app's user
        os.replace(tmp, self.path)
        self.original = self.path.read_text(encoding="utf-8")
        return catalog
