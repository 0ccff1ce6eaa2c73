"""Semantic layer: a typed query over the metric catalog, compiled to SQL for any dialect."""

from semantic_layer.access import User
from semantic_layer.compiler import CompiledQuery, OutputColumn, compile_query
from semantic_layer.errors import AccessDenied, NoData, NotAllowed, SemanticError, UnknownName
from semantic_layer.query import (
           TIME,
           Filter,
           GroupBy,
           MetricFilter,
           OrderBy,
           SemanticQuery,
           TimeRange,
           TopWithin,
)

__all__ = ["TIME", "AccessDenied", "CompiledQuery", "Filter", "GroupBy", "MetricFilter", "NoData", "NotAllowed",
           "OrderBy", "OutputColumn", "SemanticError", "SemanticQuery", "TimeRange", "TopWithin", "UnknownName", "User",
           "compile_query"]
