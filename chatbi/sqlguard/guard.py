"""The SQL guard: every statement ChatBI runs passes here, whoever wrote it.

1. text checks (size, invisible characters), then one parse in the warehouse's dialect;
2. exactly one statement, a SELECT / WITH / set operation, with no writes, commands, file or
   network functions anywhere in the tree;
3. only the catalog's tables, and only the columns the catalog exposes to the user's role
   (``SELECT *`` is expanded over those columns only); no reference that reaches columns without
   naming them (DuckDB's ``COLUMNS(…)``, ``* LIKE``, ``#1``, a table used as a row value);
4. every table read is wrapped in a subquery that projects only the role's columns and, for a
   protected table, applies the role's row filter; both are *verified* on the final tree,
   independently of how they were injected, so a form the checks above missed still sees
   nothing hidden;
5. a row limit on the result and literal bounds on generators. Read-only connections, memory
   limits, timeouts and the result-size cap are the executor's part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError
from sqlglot.optimizer.qualify import qualify

from chatbi.sqlguard import rules
from chatbi.sqlguard.exposure import exposed_schema, physical_name, protected_tables, row_filter
from metric_catalog.model import Catalog
from semantic_layer.access import User, role_of, row_restrictions

MESSAGES = {
    "empty": ("SQL 为空。", "The SQL is empty."),
    "too_long": (f"SQL 太长（超过 {rules.MAX_SQL_CHARS} 字符）。", f"The SQL is longer than {rules.MAX_SQL_CHARS} characters."),
    "invisible_characters": ("SQL 含有不可见或控制字符，已拒绝。", "The SQL contains invisible or control characters."),
    "fullwidth_characters": ("SQL 含有全角字符，请用半角字符书写。", "The SQL contains full-width characters; use plain ASCII."),
    "parse_error": ("无法解析该 SQL：{detail}", "The SQL cannot be parsed: {detail}"),
    "multiple_statements": ("只允许一条语句，收到 {detail} 条。", "Only one statement is allowed; got {detail}."),
    "not_a_query": ("只允许查询（SELECT / WITH / UNION），不允许 {detail}。",
                    "Only queries (SELECT / WITH / UNION) are allowed, not {detail}."),
    "forbidden_statement": ("不允许 {detail} 操作：ChatBI 只读数据。", "{detail} is not allowed: ChatBI only reads data."),
    "forbidden_function": ("不允许使用函数 {detail}（文件、网络或系统访问）。",
                           "The function {detail} is not allowed (file, network or system access)."),
    "unknown_function": ("函数 {detail} 不在允许使用的函数之列，请换用常见的 SQL 函数。",
                         "The function {detail} is not on the list of allowed functions; use a common SQL function."),
    "table_function": ("不允许在 FROM 中使用表函数 {detail}。", "Table functions such as {detail} are not allowed in FROM."),
    "unknown_table": ("表 {detail} 不在指标目录中，不能查询。", "The table {detail} is not in the catalog and cannot be queried."),
    "qualified_table": ("不允许跨库或带模式名访问表 {detail}。", "Tables from other databases or schemas ({detail}) are not allowed."),
    "shadowing_cte": ("CTE 名称 {detail} 与数据表同名，请换一个名字。", "The CTE name {detail} shadows a table; rename it."),
    "column_not_exposed": ("列不可用：{detail}（不存在，或你的角色不可见）。",
                           "Column not available: {detail} (it does not exist or your role may not see it)."),
    "dynamic_columns": ("不支持 {detail}：请直接写出列名。", "{detail} is not supported: name the columns."),
    "row_value": ("不支持把整张表 {detail} 当作一个值使用（结构体、整行）：请写出列名。",
                  "Using the table {detail} as a value (a struct or whole row) is not supported: name the columns."),
    "generator": ("生成函数过大或边界不是常量：{detail}（上限 {limit} 个）。",
                  "Generator too large or not bounded by literals: {detail} (limit {limit})."),
    "too_deep": ("SQL 嵌套过深。", "The SQL is nested too deeply."),
    "row_filter": ("无法为表 {detail} 施加数据权限过滤，已拒绝。", "The row filter cannot be enforced on {detail}."),
}


class SqlRejected(Exception):
    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.detail = detail
        zh, en = MESSAGES[code]
        self.zh = zh.format(detail=detail, limit=rules.MAX_GENERATED)
        self.en = en.format(detail=detail, limit=rules.MAX_GENERATED)
        super().__init__(f"{self.en} / {self.zh}")


@dataclass
class GuardedSQL:
    sql: str
    original: str
    dialect: str
    tables: list[str] = field(default_factory=list)
    filtered_tables: list[str] = field(default_factory=list)


class SqlGuard:
    def __init__(self, catalog: Catalog, warehouse_schema: dict[str, dict[str, str]], dialect: str,
                 resolve=None):
        """``resolve(sql) -> rows``, when given, turns row filters into literal key lists once per user:
        engines plan ``IN (<literal list>)`` far better than nested IN-subqueries on self-joins."""
        self.resolve = resolve
        self._keys: dict[tuple, list] = {}
        self.catalog = catalog
        self.dialect = dialect
        self.warehouse_schema = {t.lower(): {c.lower(): ty for c, ty in cols.items()}
                                 for t, cols in warehouse_schema.items()}
        self.tables = {physical_name(catalog, t) for t in catalog.tables}
        self._exposed: dict[str, dict[str, dict[str, str]]] = {}

    def check(self, sql: str, user: User | None = None, max_rows: int = 1000) -> GuardedSQL:
        user = user or User.unrestricted()
        problem = rules.text_problem(sql)
        if problem:
            raise SqlRejected(problem)
        try:
            statements = [s for s in sqlglot.parse(sql, read=self.dialect) if s is not None]
        except (ParseError, SqlglotError, RecursionError) as exc:
            raise SqlRejected("parse_error", str(exc).splitlines()[0][:200]) from exc
        if len(statements) != 1:
            raise SqlRejected("multiple_statements" if statements else "empty", str(len(statements)))
        tree = statements[0]
        while isinstance(tree, exp.Paren | exp.Subquery) and not tree.args.get("alias"):
            tree = tree.this
        if rules.depth(tree) > rules.MAX_DEPTH:
            raise SqlRejected("too_deep")
        self._check_nodes(tree)
        if not isinstance(tree, exp.Select | exp.Union | exp.Intersect | exp.Except):
            raise SqlRejected("not_a_query", tree.key.upper())
        tables = self._check_tables(tree)
        role = role_of(self.catalog, user)
        schema = self._schema(role)
        tree = self._qualify(tree, schema)
        self._check_references(tree)
        restrictions = row_restrictions(self.catalog, role, user)
        filtered = self._wrap_tables(tree, schema, restrictions)
        self._verify_wrappers(tree, schema, restrictions)
        tree = self._limit(tree, max_rows)
        # the tree is this call's own (parsed above): generated without a defensive copy
        return GuardedSQL(tree.sql(dialect=self.dialect, copy=False), sql, self.dialect, sorted(tables),
                          sorted(filtered))

    # -- 2: statement shape ------------------------------------------------------------------------
    def _check_nodes(self, tree: exp.Expression) -> None:
        for node in tree.walk():
            if isinstance(node, exp.Select) and not node.expressions:
                raise SqlRejected("parse_error", "SELECT without columns")
            if isinstance(node, rules.FORBIDDEN_NODES):
                raise SqlRejected("forbidden_statement", node.key.upper())
            if isinstance(node, exp.Func) and rules.forbidden_function(node):
                code = "forbidden_function" if rules.FORBIDDEN_FUNCTION.match(rules.function_name(node)) \
                    else "unknown_function"
                raise SqlRejected(code, rules.function_name(node))
            if isinstance(node, exp.Table) and not isinstance(node.this, exp.Identifier):
                raise SqlRejected("table_function", node.this.sql(dialect=self.dialect)[:60])
            if isinstance(node, exp.Columns):
                raise SqlRejected("dynamic_columns", "COLUMNS(…)")
            if isinstance(node, exp.PositionalColumn):
                raise SqlRejected("dynamic_columns", node.sql(dialect=self.dialect))
            if isinstance(node, exp.Func) and (problem := rules.generator_problem(node)):
                raise SqlRejected("generator", problem)

    # -- 3: tables and columns ---------------------------------------------------------------------
    def _check_tables(self, tree: exp.Expression) -> set[str]:
        ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
        for name in ctes & self.tables:
            raise SqlRejected("shadowing_cte", name)
        used = set()
        for table in tree.find_all(exp.Table):
            name = table.name.lower()
            if table.args.get("catalog") or (table.db and table.db.lower() not in ("main", "public")):
                raise SqlRejected("qualified_table", table.sql(dialect=self.dialect))
            if name in ctes and not table.db:
                continue
            if name not in self.tables or name not in self.warehouse_schema:
                raise SqlRejected("unknown_table", table.sql(dialect=self.dialect))
            table.set("db", None)
            used.add(name)
        return used

    def _schema(self, role) -> dict[str, dict[str, str]]:
        """The role's tables → columns → types; the same for every statement of the role."""
        key = role.model_dump_json() if role is not None else ""  # by content: two roles may share a name
        if key not in self._exposed:
            self._exposed[key] = exposed_schema(self.catalog, self.warehouse_schema, role)
        return self._exposed[key]

    def _qualify(self, tree: exp.Expression, schema: dict) -> exp.Expression:
        try:
            return qualify(tree, schema=schema, dialect=self.dialect, validate_qualify_columns=True,
                           quote_identifiers=True, identify=True)
        except (SqlglotError, KeyError, ValueError) as exc:
            raise SqlRejected("column_not_exposed", _column_in(str(exc))) from exc

    def _check_references(self, tree: exp.Expression) -> None:
        """After qualification every column names one column of one source. What is left reaches
        columns without naming them: a star with a pattern, or a source used as a (struct) value."""
        for node in tree.walk():
            if isinstance(node, exp.Star) and not isinstance(node.parent, exp.Count):
                raise SqlRejected("dynamic_columns", (node.parent or node).sql(dialect=self.dialect)[:60])
            if isinstance(node, exp.TableColumn):
                raise SqlRejected("row_value", node.name)
            if isinstance(node, exp.Column) and not node.table and not isinstance(node.this, exp.Star):
                select = node.find_ancestor(exp.Select)
                if select is not None and _orders_by_output(node, select):
                    continue  # ORDER BY premium: the select's output column, named like a table
                scope_names = set()
                while select is not None:
                    scope_names |= {s.alias_or_name.lower() for s in _sources(select)}
                    select = select.parent.find_ancestor(exp.Select) if select.parent else None
                if node.name.lower() in scope_names | self.tables:
                    raise SqlRejected("row_value", node.name)

    # -- 4: column projection and row-level security ---------------------------------------------
    def _wrap_tables(self, tree: exp.Expression, schema: dict, restrictions) -> set[str]:
        """Every read of a catalog table becomes ``(SELECT <role's columns> FROM t [WHERE <row filter>])``."""
        protected = protected_tables(self.catalog, restrictions) if restrictions else {}
        filtered = set()
        for table in list(tree.find_all(exp.Table)):
            name = table.name.lower()
            if name not in self.tables:
                continue  # a CTE's name
            columns = [exp.column(c, quoted=True) for c in schema.get(name, {})]
            if not columns:
                raise SqlRejected("unknown_table", name)
            inner = exp.select(*columns).from_(exp.to_table(name, quoted=True))
            if name in protected:
                inner = inner.where(exp.and_(*[self._row_filter(name, r) for r in protected[name]]))
                filtered.add(name)
            alias = table.alias_or_name
            table.replace(exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True))))
        return filtered

    def _verify_wrappers(self, tree: exp.Expression, schema: dict, restrictions) -> None:
        """Checked on the final tree: every read of a catalog table sits directly under a SELECT that
        projects only the role's columns, with no join, and under its row filter when protected."""
        protected = protected_tables(self.catalog, restrictions) if restrictions else {}
        for table in tree.find_all(exp.Table):
            name = table.name.lower()
            if name not in self.tables:
                continue  # a CTE's name (one shadowing a table was refused in step 3)
            select = table.find_ancestor(exp.Select)
            source = select.args.get("from_") if select is not None else None
            if source is None or source.this is not table or select.args.get("joins"):
                raise SqlRejected("row_filter", name)
            allowed = set(schema.get(name, {}))
            for projection in select.expressions:
                if not isinstance(projection, exp.Column) or projection.name.lower() not in allowed:
                    raise SqlRejected("column_not_exposed", projection.sql(dialect=self.dialect)[:60])
            if name in protected:
                where = select.args.get("where")
                actual = where.this.sql(dialect=self.dialect) if where else ""
                expected = [self._row_filter(name, r).sql(dialect=self.dialect) for r in protected[name]]
                if not all(e in actual for e in expected):
                    raise SqlRejected("row_filter", name)

    def _row_filter(self, table: str, restriction) -> exp.Expression:
        predicate = row_filter(self.catalog, table, restriction)
        query = predicate.args.get("query") if isinstance(predicate, exp.In) else None
        if query is None or self.resolve is None:
            return predicate
        key = (table, restriction.dimension, restriction.value)
        if key not in self._keys:
            self._keys[key] = [r[0] for r in self.resolve(query.this.sql(dialect=self.dialect))]
        values = self._keys[key] or [None]
        return exp.In(this=predicate.this, expressions=[exp.convert(v) for v in values])

    # -- 5: limit ----------------------------------------------------------------------------------
    def _limit(self, tree: exp.Expression, max_rows: int) -> exp.Expression:
        if isinstance(tree, exp.Select):
            current = tree.args.get("limit")
            value = current.expression if current else None
            if isinstance(value, exp.Literal) and value.is_int and int(value.this) <= max_rows:
                return tree
            if current is None or isinstance(value, exp.Literal):
                return tree.limit(max_rows, copy=False)
        return exp.select(exp.Star()).from_(tree.subquery("guarded", copy=False)).limit(max_rows, copy=False)



def _sources(select: exp.Select) -> list[exp.Expression]:
    """The FROM and JOIN sources of one SELECT (tables, subqueries, CTE references)."""
    out = []
    if select.args.get("from_") is not None:
        out.append(select.args["from_"].this)
    out.extend(j.this for j in select.args.get("joins") or [])
    return out


def _column_in(message: str) -> str:
    """The column a qualify error is about, without sqlglot's wording."""
    import re

    found = re.search(r"[Cc]olumn:? '?([\w.\"]+)'?", message)
    return found.group(1).strip('"') if found else message.splitlines()[0][:120]


def _orders_by_output(column: exp.Column, select: exp.Select) -> bool:
    """An ORDER BY key naming one of the select's output columns (the SQL standard resolves it to
    the output, so it is no row value). Only in ORDER BY: elsewhere a column name comes first."""
    order = column.find_ancestor(exp.Order)
    if order is None or order.parent is not select:
        return False
    aliases = {e.alias.lower() for e in select.expressions if isinstance(e, exp.Alias)}
    return column.name.lower() in aliases
