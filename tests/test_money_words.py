"""What asks an amount of money (多少钱, "how much did we pay"), and what asks time though it says 花了."""

import pytest

from chatbi.pipeline.money_words import MONEY_ASKED


@pytest.mark.parametrize("text", ["去年理赔花了多少钱", "去年一共赔了客户多少钱", "how much did we pay out in claims",
                                  "how much did claims cost", "赔付金额是多少"])
def test_money_is_asked(text):
    assert MONEY_ASKED.search(text)


@pytest.mark.parametrize("text", ["结案平均花了多少天", "处理投诉花了多少时间", "how much time did we spend on claims",
                                  "how many claims last year", "理赔件数多少"])
def test_time_or_a_count_is_no_money(text):
    assert not MONEY_ASKED.search(text)
