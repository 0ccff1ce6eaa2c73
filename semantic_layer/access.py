"""Who is asking: roles decide which metrics, dimensions and rows a user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from metric_catalog import graph
from metric_catalog.model import Catalog, RoleSpec
from semantic_layer.errors import AccessDenied


@dataclass(frozen=True)
class User:
    name: str
    role: str
    attributes: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def unrestricted(cls) -> User:
        """The compiler's own identity for catalog validation and analysts' reference runs."""
        return cls(name="system", role="__system__")


def role_of(catalog: Catalog, user: User) -> RoleSpec | None:
    if user.role == "__system__":
        return None
    role = catalog.roles.get(user.role)
    if role is None:
        raise AccessDenied(f"角色 {user.role} 未在指标目录中定义，无法查询。",
                           f"Role {user.role!r} is not defined in the catalog, so nothing can be queried.")
    return role


denied_metrics = graph.denied_metrics  # re-exported: callers ask access questions here


def check_metric(catalog: Catalog, role: RoleSpec | None, metric_id: str) -> None:
    cause = denied_metrics(catalog, role).get(metric_id)
    if cause is None:
        return
    name = catalog.metrics[metric_id].name
    if cause == metric_id:
        raise AccessDenied(f"你的角色({role.name.zh})无权查看指标「{name.zh}」。",
                           f"Your role ({role.name.en}) may not see the metric '{name.en}'.", metric=metric_id)
    via = catalog.metrics[cause].name
    raise AccessDenied(f"「{name.zh}」由「{via.zh}」算出，而你的角色({role.name.zh})无权查看「{via.zh}」，"
                       "所以也不能查看它。",
                       f"'{name.en}' is computed from '{via.en}', which your role ({role.name.en}) may not see, "
                       "so it is not available to you either.", metric=metric_id)


def check_dimension(catalog: Catalog, role: RoleSpec | None, dimension_id: str) -> None:
    if role is not None and dimension_id in role.deny_dimensions:
        name = catalog.dimensions[dimension_id].name
        raise AccessDenied(f"你的角色({role.name.zh})无权按「{name.zh}」查看。",
                           f"Your role ({role.name.en}) may not break down by '{name.en}'.", dimension=dimension_id)


@dataclass(frozen=True)
class RowRestriction:
    dimension: str
    value: Any


def row_restrictions(catalog: Catalog, role: RoleSpec | None, user: User) -> list[RowRestriction]:
    """The row filters to enforce for this user; a missing attribute denies, never widens."""
    if role is None:
        return []
    out = []
    for rf in role.row_filters:
        value = user.attributes.get(rf.attribute)
        if value is None or value == "":
            raise AccessDenied(f"用户 {user.name} 缺少属性 {rf.attribute}，无法确定可见数据范围，请联系管理员。",
                               f"User {user.name} has no {rf.attribute!r} attribute, so the rows they may see "
                               "cannot be determined; ask an administrator.")
        out.append(RowRestriction(rf.dimension, value))
    return out
