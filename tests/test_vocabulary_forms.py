"""Short forms of a dimension's names (name_forms): only the unmistakable ones."""

from chatbi.pipeline.name_forms import short_dimension_forms


def test_short_forms_are_the_unmistakable_ones():
    dims = {"财富产品类型": {"product_type"}, "产品名称": {"product"}, "保险产品名称": {"product"},
            "客户所在省份": {"customer_province"}, "省份": {"province"}, "贷款产品类型": {"loan_type"}}
    values = {"保险"}
    forms = short_dimension_forms(dims, set(dims) | values, values)
    assert forms["产品"] == {"product"}
    assert "保险产品" not in forms  # holds a value: 保险产品的销售额 is a filter
    assert "所在省份" not in forms  # holds another dimension's name
    assert "产品类型" not in forms  # two dimensions end with it
