"""What the pipeline's stages may use, handed to them by the facade (``ChatBI``) that owns it all.

Stages never import the facade: each gets this bundle of long-lived parts, so the import graph
runs one way (core → stages → semantic layer / guard / warehouse) and a stage can be built and
tested with any warehouse, guard or model reader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chatbi.pipeline.row_scope import RowScope
from chatbi.pipeline.vocabulary import Vocabulary
from chatbi.sqlguard import SqlGuard
from chatbi.warehouse import Warehouse
from metric_catalog.model import Catalog


@dataclass(frozen=True)
class PipelineContext:
    catalog: Catalog
    warehouse: Warehouse
    guard: SqlGuard
    row_scope: RowScope
    read_model: Callable[[str], object]  # question → ModelReading; raises LLMError when unavailable
    rank_metrics: Callable[[str, int], list[str]]  # question, how many → metric ids, closest first
    model_id: Callable[[], str]  # the loaded model's id, "" when none is loaded
    vocabulary: Vocabulary | None = None  # the catalog's and the data's words (for close values)
    read_full: Callable[[str, str], object] | None = None  # question, metric → FullReading; raises LLMError

    @property
    def dialect(self) -> str:
        return self.warehouse.dialect
