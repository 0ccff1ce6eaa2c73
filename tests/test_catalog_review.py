"""Reviewing a drafted catalog (`chatbi catalog review`) and closing the gaps real questions found
(`chatbi catalog gaps`): edits keep the file's comments and layout, a bad edit writes nothing, and
an accepted gap makes the questions that were refused or asked back answer with the true number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chatbi.appdb import AppDB
from chatbi.cli import app
from chatbi.core import ChatBI
from chatbi.gaps import GapFinder, apply
from chatbi.service import ChatService
from chatbi.warehouse import connect
from metric_catalog.catalog_file import CatalogFile, EditError
from metric_catalog.lint import lint_catalog
from metric_catalog.loader import load_catalog
from semantic_layer import User

runner = CliRunner()
AS_OF = dt.date(2026, 11, 15)
RETAIL = Path("metric_catalog/retail/retail.yaml")


@pytest.fixture(scope="module")
def retail(tmp_path_factory) -> Path:
    from chatbi.demo.retail import build_retail_warehouse

    return build_retail_warehouse(tmp_path_factory.mktemp("retail") / "retail.duckdb", scale=0.05, as_of=AS_OF).path


@pytest.fixture
def drafted(retail, tmp_path) -> Path:
    out = tmp_path / "draft.yaml"
    result = runner.invoke(app, ["catalog", "draft", "--database", str(retail), "-o", str(out), "-m", "none"])
    assert result.exit_code == 0, result.output
    return out


def review(path: Path, *args: str):
    return runner.invoke(app, ["catalog", "review", "--catalog", str(path), *args])


def said(result) -> str:
    """The command's output as one line (the console wraps long messages)."""
    return " ".join(result.output.split())


def test_review_lists_drafts_then_accepts_edits_and_rejects_them(drafted, retail):
    listed = review(drafted)
    assert listed.exit_code == 0 and "metric:total_sales_amount" in listed.output
    header = drafted.read_text().splitlines()[:4]
    result = review(drafted, "--set", "metric:total_sales_amount.name.zh=销售额",
                    "--set", "metric:total_sales_amount.synonyms=[销售金额, 营业额]", "--accept", "metric:total_sales_amount")
    assert result.exit_code == 0, result.output
    catalog = load_catalog(drafted)
    sales = catalog.metrics["total_sales_amount"]
    assert (sales.name.zh, sales.synonyms, sales.draft) == ("销售额", ["销售金额", "营业额"], False)
    assert drafted.read_text().splitlines()[:4] == header, "the draft's header comments survive the edit"
    assert catalog.metrics["orders_rows" if "orders_rows" in catalog.metrics else "fact_order_rows"].draft

    result = review(drafted, "--reject", "table:meta_dataset", "--cascade", "--accept", "all")
    assert result.exit_code == 0, result.output
    catalog = load_catalog(drafted)
    assert "meta_dataset" not in catalog.tables and not any(d.table == "meta_dataset" for d in catalog.dimensions.values())
    assert not [g for g in lint_catalog(catalog) if g.field == "draft"], "nothing is left as a draft"
    answered = ChatBI(catalog, connect(str(retail)), use_model=False).ask("total sales amount", as_of=AS_OF)
    assert answered.status == "answered", answered.message


def test_a_bad_edit_or_an_orphaning_rejection_writes_nothing(drafted):
    before = drafted.read_bytes()
    bad = review(drafted, "--set", "metric:total_sales_amount.agg=median")
    assert bad.exit_code == 1 and "nothing was written" in said(bad) and "'sum'" in said(bad)
    orphaning = review(drafted, "--reject", "table:dim_customer")
    assert orphaning.exit_code == 1 and "dimension:gender" in said(orphaning) and "--cascade" in said(orphaning)
    unknown = review(drafted, "--accept", "metric:no_such_metric")
    assert unknown.exit_code == 1 and "chatbi catalog review" in said(unknown)
    assert drafted.read_bytes() == before


def test_a_rejected_table_takes_its_items_and_joins_to_it_but_not_the_tables_joining_it(drafted):
    doc = CatalogFile(drafted)
    removed = {r.ref for r in doc.reject(doc.find("table:dim_customer"), cascade=True)}
    assert {"table:dim_customer", "dimension:gender"} <= removed and "table:fact_order" not in removed
    doc.save()
    catalog = load_catalog(drafted)
    assert "fact_order" in catalog.tables and all(j.to != "dim_customer" for j in catalog.tables["fact_order"].joins)


def test_edits_keep_a_hand_written_catalog_byte_for_byte_except_the_edit(tmp_path):
    path = tmp_path / "retail.yaml"
    path.write_text(RETAIL.read_text())
    doc = CatalogFile(path)
    doc.add_synonym(doc.find("metric:net_sales"), "营收额")
    doc.save()
    before, after = RETAIL.read_text().splitlines(), path.read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1].endswith("sales net of returns, 营收额]")
    with pytest.raises(EditError, match="is both|not in"):
        doc.find("metric:nope")


@pytest.fixture
def gappy(tmp_path, retail):
    """The retail catalog with a synonym and a payment mode taken out: what a first catalog misses."""
    text = RETAIL.read_text().replace("成交客户数, 买家数, ", "成交客户数, ").replace("      货到付款: [到付, cod, cash on delivery]\n", "")
    path = tmp_path / "retail.yaml"
    path.write_text(text)
    service = ChatService(ChatBI(load_catalog(path), connect(str(retail)), use_model=False),
                          AppDB.open(f"sqlite:///{tmp_path / 'app.sqlite'}"))
    return path, service


def test_gaps_from_the_review_queue_become_additions_that_make_the_questions_answer(gappy, retail):
    path, service = gappy
    staff = [User(name, "analyst") for name in ("wang", "zhang", "liu")]
    for user in staff:  # people ask; some pick what they meant when asked back
        asked = service.ask("上个月买家数", user)
        assert asked.status == "clarify"
        service.pick(asked.event_id, next(i for i, c in enumerate(asked.candidates) if c.interpretation.metrics == ["active_customers"]),
                     user)
        assert service.ask("上个月货到付款的订单数", user).status != "answered", "the value is not in the catalog yet"
    service.ask("上个月 wechatpay 的订单数", staff[0])
    service.ask("last month's orders by ship mode", staff[0])

    gaps = {g.summary(): g for g in GapFinder(service.bi).find(service.db.review.items(kinds=("refused", "clarify")))}
    assert "synonym '买家' for metric active_customers" in gaps, list(gaps)
    assert gaps["synonym '买家' for metric active_customers"].evidence == "chosen by the people asked back"
    assert "value '货到付款' in the dictionary of payment_mode" in gaps
    assert "alias 'wechatpay' for payment_mode = 微信支付" in gaps
    assert gaps["nothing in the catalog or warehouse says 'ship mode'"].kind == "missing"
    with pytest.raises(EditError, match="catalog.unavailable"):
        apply(path, gaps["nothing in the catalog or warehouse says 'ship mode'"])

    for summary in ("synonym '买家' for metric active_customers", "value '货到付款' in the dictionary of payment_mode",
                    "alias 'wechatpay' for payment_mode = 微信支付"):
        apply(path, gaps[summary])
    after = ChatBI(load_catalog(path), connect(str(retail)), use_model=False)
    reference = ChatBI(load_catalog(RETAIL), connect(str(retail)), use_model=False)
    for question, same in (("上个月买家数", "上个月买家数"), ("上个月货到付款的订单数", "上个月货到付款的订单数"),
                           ("上个月 wechatpay 的订单数", "上个月微信支付的订单数")):
        answer, truth = after.ask(question), reference.ask(same)
        assert answer.status == "answered", (question, answer.message)
        assert answer.rows == truth.rows and truth.rows[0][-1] > 0, question


def test_gaps_command_lists_then_accepts_and_re_asks(gappy, monkeypatch, retail, tmp_path):
    path, service = gappy
    monkeypatch.setenv("CHATBI_APP_DB__URL", str(service.db.engine.url))
    service.ask("上个月货到付款的订单数", User("wang", "analyst"))
    listed = runner.invoke(app, ["catalog", "gaps", "--catalog", str(path), "--database", str(retail), "--no-nearest"])
    assert listed.exit_code == 0 and "货到付款" in said(listed), listed.output
    wrong = runner.invoke(app, ["catalog", "gaps", "--catalog", str(path), "--database", str(retail), "--accept", "9"])
    assert wrong.exit_code == 1 and "give numbers from 1 to" in said(wrong)
    accepted = runner.invoke(app, ["catalog", "gaps", "--catalog", str(path), "--database", str(retail),
                                   "--no-nearest", "--accept", "1"])
    assert accepted.exit_code == 0, accepted.output
    assert "answered" in said(accepted) and "货到付款" in load_catalog(path).dimensions["payment_mode"].values


def test_a_drafted_grouping_without_a_dictionary_is_listed_as_itself(drafted, retail):
    """Sub-categories have too many values for a drafted dictionary; listing those under a category
    still lists the sub-categories (fewer values than products: a grouping), not every product."""
    import duckdb

    assert review(drafted, "--accept", "all").exit_code == 0
    catalog = load_catalog(drafted)
    assert not catalog.dimensions["sub_category"].values and not catalog.dimensions["sub_category"].parent
    category = next(iter(catalog.dimensions["category"].values))
    answer = ChatBI(catalog, connect(str(retail)), use_model=False).ask(f"list the sub categories under {category}",
                                                                         as_of=AS_OF)
    with duckdb.connect(str(retail), read_only=True) as con:
        truth = {r[0] for r in con.execute("SELECT DISTINCT sub_category FROM dim_product WHERE category = ?",
                                           [category]).fetchall()}
    assert answer.status == "answered", answer.message
    assert {r[0] for r in answer.rows} == truth and len(answer.rows[0]) == 1
