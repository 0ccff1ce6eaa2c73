"""The default 渠道考核看板 (channel assessment dashboard) on the demo catalog, and demo users."""

from __future__ import annotations

from semantic_layer import TIME, GroupBy, OrderBy, SemanticQuery

DEFAULT_NAME = "渠道考核看板"
SHARED_WITH = ["channel_staff", "city_manager", "manager", "analyst", "admin"]
# (title, query, period code, width)
TILES = [
    ("上月新增用户数（按地市）", SemanticQuery(metrics=["new_subscribers"], group_by=[GroupBy(dimension="city")],
                                              order_by=[OrderBy(field="new_subscribers")]), "last_closed_month", 1),
    ("上月宽带新装量（按渠道类型）", SemanticQuery(metrics=["broadband_installs"],
                                                  group_by=[GroupBy(dimension="channel_type")]), "last_closed_month", 1),
    ("上月欠费率（按地市）", SemanticQuery(metrics=["arrears_rate"], group_by=[GroupBy(dimension="city")],
                                          order_by=[OrderBy(field="arrears_rate")]), "last_closed_month", 1),
    ("上月5G迁转量（环比）", SemanticQuery(metrics=["fiveg_migrations"], comparisons=["mom"]), "last_closed_month", 1),
    ("近六个月终端销量趋势", SemanticQuery(metrics=["terminal_units"], group_by=[GroupBy(dimension=TIME, grain="month")]),
     "last_6_months", 2),
    ("上月渠道考核得分前10", SemanticQuery(metrics=["channel_score"], group_by=[GroupBy(dimension="channel")],
                                          order_by=[OrderBy(field="channel_score")], limit=10), "last_closed_month", 2),
]


def ensure_default_dashboard(service) -> int | None:
    """Create 渠道考核看板 once, when the catalog has its metrics; returns its id."""
    existing = service.db.dashboards.find(DEFAULT_NAME)
    if existing is not None:
        return existing.id
    if not all(m in service.bi.catalog.metrics for _, q, _, _ in TILES for m in q.metrics):
        return None
    board = service.db.dashboards.create(DEFAULT_NAME, "system", shared_roles=SHARED_WITH, filters={})
    for title, query, period, width in TILES:
        service.db.dashboards.pin(board, title, query, question=title, width=width, period=period)
    return board


DEMO_USERS = [  # name, role, attributes, display name
    ("admin", "admin", {}, "管理员"),
    ("boss", "manager", {}, "省公司 王经理"),
    ("analyst", "analyst", {}, "数据分析师 李工"),
    ("hz.manager", "city_manager", {"city_id": 3301}, "杭州地市经理"),
    ("li.na", "channel_staff", {"channel_id": "CH330100003"}, "李娜（杭州上城天成合作营业厅）"),
]
