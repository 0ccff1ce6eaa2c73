"""The SQL guard: every statement ChatBI runs passes here, whoever wrote it.

1. text checks (size, invisible characters), then one parse in the warehouse's dialect;
2. exactly one statement, a SELECT / WITH / set operation, with no writes, commands, file or
   network functions anywhere in the tree;
3. only the catalog's tables, and only the columns the catalog exposes to the user's role
   (``SELECT *`` is expanded over those columns only);
4. the role's row filters are injected by wrapping every protected table in a filtered
   subquery, then *verified* on the final tree, independently of how they were injected;
5. a row limit on the result. Read-only connections and timeouts are the executor's part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError
from sqlglot.optimizer.qualify import qualify

from chatbi.sqlguard import rules
from chatbi.sqlguard.exposure import exposed_schema, protected_tables, row_filter
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
    "table_function": ("不允许在 FROM 中使用表函数 {detail}。", "Table functions such as {detail} are not allowed in FROM."),
    "unknown_table": ("表 {detail} 不在指标目录中，不能查询。", "The table {detail} is not in the catalog and cannot be queried."),
    "qualified_table": ("不允许跨库或带模式名访问表 {detail}。", "Tables from other databases or schemas ({detail}) are not allowed."),
    "shadowing_cte": ("CTE 名称 {detail} 与数据表同名，请换一个名字。", "The CTE name {detail} shadows a table; rename it."),
    "column_not_exposed": ("列不可用：{detail}。", "Column not available: {detail}."),
    "too_deep": ("SQL 嵌套过深。", "The SQL is nested too deeply."),
    "row_filter": ("无法为表 {detail} 施加数据权限过滤，已拒绝。", "The row filter cannot be enforced on {detail}."),
}


class SqlRejected(Exception):
    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.detail = detail
        zh, en = MESSAGES[code]
        self.zh = zh.format(detail=detail)
        self.en = en.format(detail=detail)
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
        self.tables = {t.lower() for t in catalog.tables}

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
        tree = self._qualify(tree, role, user)
        restrictions = row_restrictions(self.catalog, role, user)
        filtered = self._inject_row_filters(tree, restrictions)
        self._verify_row_filters(tree, restrictions)
        tree = self._limit(tree, max_rows)
        return GuardedSQL(tree.sql(dialect=self.dialect), sql, self.dialect, sorted(tables), sorted(filtered))

    # -- 2: statement shape ------------------------------------------------------------------------
    def _check_nodes(self, tree: exp.Expression) -> None:
        for node in tree.walk():
            if isinstance(node, exp.Select) and not node.expressions:
                raise SqlRejected("parse_error", "SELECT without columns")
            if isinstance(node, rules.FORBIDDEN_NODES):
                raise SqlRejected("forbidden_statement", node.key.upper())
            if isinstance(node, exp.Func) and rules.forbidden_function(node):
                raise SqlRejected("forbidden_function", rules.function_name(node))
            if isinstance(node, exp.Table) and not isinstance(node.this, exp.Identifier):
                raise SqlRejected("table_function", node.this.sql(dialect=self.dialect)[:60])

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

    def _qualify(self, tree: exp.Expression, role, user: User) -> exp.Expression:
        schema = exposed_schema(self.catalog, self.warehouse_schema, role)
        try:
            return qualify(tree, schema=schema, dialect=self.dialect, validate_qualify_columns=True,
                           quote_identifiers=True, identify=True)
        except (SqlglotError, KeyError, ValueError) as exc:
            raise SqlRejected("column_not_exposed", str(exc).splitlines()[0][:200]) from exc

    # -- 4: row-level security ---------------------------------------------------------------------
    def _inject_row_filters(self, tree: exp.Expression, restrictions) -> set[str]:
        if not restrictions:
            return set()
        protected = protected_tables(self.catalog, restrictions)
        filtered = set()
        for table in list(tree.find_all(exp.Table)):
            name = table.name.lower()
            if name not in protected:
                continue
            predicate = exp.and_(*[self._row_filter(name, r) for r in protected[name]])
            alias = table.alias_or_name
            inner = exp.select(exp.Star()).from_(exp.to_table(name, quoted=True)).where(predicate)
            table.replace(exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True))))
            filtered.add(name)
        return filtered

    def _verify_row_filters(self, tree: exp.Expression, restrictions) -> None:
        """Every read of a protected table must sit directly under its filter: checked on the final tree."""
        if not restrictions:
            return
        protected = protected_tables(self.catalog, restrictions)
        for table in tree.find_all(exp.Table):
            name = table.name.lower()
            if name not in protected:
                continue
            select = table.find_ancestor(exp.Select)
            where = select.args.get("where") if select else None
            expected = [self._row_filter(name, r).sql(dialect=self.dialect) for r in protected[name]]
            actual = where.this.sql(dialect=self.dialect) if where else ""
            source = select.args.get("from_") if select is not None else None
            direct = source is not None and source.this is table
            if not direct or not all(e in actual for e in expected) or select.args.get("joins"):
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
                return tree.limit(max_rows)
        return exp.select(exp.Star()).from_(tree.subquery("guarded")).limit(max_rows)

