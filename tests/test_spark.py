"""Spark SQL for real (pyspark local mode over the demo warehouse as Parquet)."""

import pytest

from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from tests.semantic_helpers import assert_same_golden_answers

pytestmark = pytest.mark.slow


def test_golden_questions_identical_on_spark(demo_warehouse, spark_demo):
    catalog = load_catalog()
    duck = ChatBI(catalog, connect(str(demo_warehouse)), use_model=False)
    spark = ChatBI(catalog, connect(spark_demo), use_model=False)
    assert spark.warehouse.dialect == "spark"
    assert assert_same_golden_answers(duck, spark) >= 120
