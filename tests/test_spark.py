"""Spark SQL for real (pyspark local mode over the demo warehouse as Parquet)."""

import pytest

from chatbi.core import ChatBI
from chatbi.evaluation import GOLDEN_DIR, load_cases
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from tests.semantic_helpers import close, number

pytestmark = pytest.mark.slow


def test_golden_questions_identical_on_spark(demo_warehouse, spark_demo):
    catalog = load_catalog()
    duck = ChatBI(catalog, connect(str(demo_warehouse)), use_model=False)
    spark = ChatBI(catalog, connect(spark_demo), use_model=False)
    assert spark.warehouse.dialect == "spark"
    compared = 0
    for case in load_cases([GOLDEN_DIR]):
        a = duck.ask(case.question, user=case.user, as_of=case.as_of)
        b = spark.ask(case.question, user=case.user, as_of=case.as_of)
        assert (a.status, a.reason) == (b.status, b.reason), (case.question, b.message)
        if a.status != "answered":
            continue
        rows_a = [[number(v) for v in r] for r in a.rows]
        rows_b = [[number(v) for v in r] for r in b.rows]
        assert len(rows_a) == len(rows_b), case.question
        for ra, rb in zip(rows_a, rows_b, strict=True):
            assert all(close(x, y, rel=1e-9) for x, y in zip(ra, rb, strict=True)), (case.question, ra, rb)
        compared += 1
    assert compared >= 120
