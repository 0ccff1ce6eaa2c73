"""The Streamlit app's main flows, page by page, with Streamlit's AppTest (rules-only model for speed;
the real model runs in the browser test)."""

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from chatbi.appdb import AppDB

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "ui" / "app.py")


@pytest.fixture
def app_env(demo_warehouse, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("CHATBI_WAREHOUSE__URL", str(demo_warehouse))
    monkeypatch.setenv("CHATBI_APP_DB__URL", url)
    monkeypatch.setenv("CHATBI_MODEL__KIND", "none")
    db = AppDB.open(url)
    db.users.add("boss", "manager", "boss-password", "王经理")
    db.users.add("analyst", "analyst", "analyst-password", "李工")
    db.users.add("li.na", "channel_staff", "staff-password", "李娜", {"channel_id": "CH330100003"})
    return db


def signed_in(name: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def markdowns(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_sign_in_rejects_a_wrong_password_and_lets_the_right_one_in(app_env):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input(key="signin_name").input("boss")
    at.text_input(key="signin_password").input("not-it-at-all")
    at.button[0].click().run()
    assert "不正确" in at.error[0].value
    at = signed_in("boss", "boss-password")
    assert any("王经理" in m for m in markdowns(at)) and at.chat_input


def test_first_run_creates_the_administrator(demo_warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("CHATBI_WAREHOUSE__URL", str(demo_warehouse))
    monkeypatch.setenv("CHATBI_APP_DB__URL", f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    monkeypatch.setenv("CHATBI_MODEL__KIND", "none")
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert "还没有任何用户" in at.info[0].value
    at.text_input(key="setup_pw").input("first-admin-pw")
    at.text_input(key="setup_pw2").input("first-admin-pw")
    at.button[0].click().run()
    assert not at.exception and at.chat_input
    assert AppDB.open(f"sqlite:///{tmp_path / 'fresh.sqlite'}").users.get("admin").role == "admin"


def test_single_user_mode_is_labelled(app_env, monkeypatch):
    monkeypatch.setenv("CHATBI_AUTH__MODE", "none")
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert "单用户模式" in at.sidebar.warning[0].value and at.chat_input


def test_chat_answer_card_feedback_and_follow_up(app_env):
    at = ask(signed_in("boss", "boss-password"), "上个月各地市欠费率排名前3")
    assert any("欠费率，共 3 行；最高的是" in m for m in markdowns(at)), "a ranking names its first place"
    table = at.dataframe[0].value
    assert len(at.get("plotly_chart")) == 1 and table.shape == (3, 3)
    assert list(table.iloc[:, -1]) == [1, 2, 3], "a top-N shows each row's place (ties would share one)"
    assert 1 < table.iloc[0, 1] < 100, "a rate is shown in percent with one decimal (3.9%), not as 0.039"
    assert {b.label for b in at.get("download_button")} == {"CSV", "Excel"}
    assert any(c.value.startswith("SELECT") for c in at.code), "the SQL is shown under 口径与计算过程"
    at.feedback[0].set_value(0).run()  # 👎
    event = app_env.audit.list(user="boss", kinds=["ask"])[0]
    assert app_env.feedback.for_event(event["id"])[0]["rating"] == -1
    at = ask(at, "只看杭州")
    assert at.metric[0].label == "欠费率" and at.metric[0].value.endswith("%")
    assert at.metric[0].delta.endswith("环比") and any(c.value.startswith("同比") for c in at.caption), \
        "a single number comes with its month-on-month and year-on-year change"
    assert at.metric[0].delta[0] in "+-", "the change starts with its sign, so the arrow points its way"
    assert app_env.audit.list(user="boss", kinds=["ask"])[0]["path"] == "follow_up"


def test_clarification_buttons_answer_and_record_the_pick(app_env):
    at = ask(signed_in("boss", "boss-password"), "我要看下近三个月的欠费指标")
    choices = [b for b in at.button if b.key and "-pick-" in b.key]
    assert len(choices) >= 2
    choices[0].click().run()
    assert not at.exception
    picks = app_env.audit.list(kinds=["pick"])
    assert len(picks) == 1 and picks[0]["status"] == "answered"


def test_refusal_names_what_can_be_asked(app_env):
    at = ask(signed_in("li.na", "staff-password"), "员工的工资是多少")
    assert at.warning and any(b.key and "-sugg-" in b.key for b in at.button)


def test_channel_staff_see_their_rows_and_no_workbench(app_env):
    at = signed_in("li.na", "staff-password")
    with pytest.raises(ValueError):
        at.switch_page("views/workbench.py")
    at = ask(at, "本月各渠道新增用户")
    assert at.dataframe[0].value.shape[0] == 1


def test_dashboard_tiles_filters_and_pinning(app_env):
    at = signed_in("boss", "boss-password")
    at.switch_page("views/dashboards.py").run()
    titles = [m for m in markdowns(at) if m.startswith("####")]
    assert "#### 上月新增用户数（按地市）" in titles and len(titles) == 6
    assert len(at.get("plotly_chart")) >= 4 and at.metric, "bar and line tiles are charts, the 5G tile a KPI"

    def city_tile_rows() -> int:
        tile = next(e for e in app_env.audit.list(kinds=["dashboard"]) if e["question"] == "上月新增用户数（按地市）")
        return tile["row_count"]

    assert city_tile_rows() == 11
    at.multiselect(key="f-city").select("杭州").run()
    assert not at.exception and city_tile_rows() == 1, "the dashboard filter reaches every tile"
    # Pin an answer from the chat to a new dashboard.
    at.switch_page("views/chat.py").run()
    at = ask(at, "今年各地市放号量")
    at.text_input(key="turn0-newboard").input("我的看板").run()
    at.button(key="turn0-pin").click().run()
    board = app_env.dashboards.find("我的看板")
    assert board is not None and board.tiles[0].query.metrics == ["new_subscribers"]


def test_workbench_review_correct_and_verify(app_env):
    staff = ask(signed_in("boss", "boss-password"), "宁波上月放号情况怎么样")
    event = app_env.audit.list(user="boss", kinds=["ask"])[0]
    if event["status"] == "answered":
        staff.feedback[0].set_value(0).run()
    at = signed_in("analyst", "analyst-password")
    at.switch_page("views/workbench.py").run()
    assert any("宁波上月放号情况怎么样" in m for m in markdowns(at))
    at.button(key="open-0").click().run()
    at.radio(key="correct-mode").set_value("interpretation").run()
    at.multiselect(key="edit-m").set_value(["new_subscribers"]).run()
    at.multiselect(key="edit-f-city").set_value(["宁波"]).run()
    at.date_input(key="edit-start").set_value(dt.date(2026, 10, 1)).run()
    at.date_input(key="edit-end").set_value(dt.date(2026, 10, 31)).run()
    at.button(key="run-correction").click().run()
    assert not at.exception
    at.button(key="verify").click().run()
    assert any("已验证答案" in s.value for s in at.success), [e.value for e in at.error]
    assert app_env.verified.rows()[0]["question"] == "宁波上月放号情况怎么样"
    saved = app_env.verified.active()[1][0].interpretation
    assert saved.metrics == ["new_subscribers"] and [f.values for f in saved.filters] == [["宁波"]]
    again = ask(signed_in("boss", "boss-password"), "宁波上月放号情况怎么样")
    assert app_env.audit.list(user="boss", kinds=["ask"])[0]["path"] == "verified" and not again.exception
    # The invalid interpretation is reported inline, not as a crash.
    at.text_area(key="edit-f").input("[{bad json").run()
    assert any("解释无效" in e.value for e in at.error)


def test_catalog_search_and_sample_question(app_env):
    at = signed_in("li.na", "staff-password")
    at.switch_page("views/catalog.py").run()
    everything = len(at.expander)
    at.text_input(key="catalog-search").input("欠费").run()
    assert 0 < len(at.expander) < everything
    assert all("出账收入 ·" not in e.label for e in at.expander), "channel staff do not see denied metrics"


def test_english_is_one_click_away(app_env):
    at = signed_in("boss", "boss-password")
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Ask"
    at = ask(at, "new subscribers by city last month")
    assert any("new subscribers for 2026-10-01 to 2026-10-31" in m.lower() for m in markdowns(at))
    at.switch_page("views/dashboards.py").run()
    titles = [m for m in markdowns(at) if m.startswith("#### ")]
    assert "#### New subscribers by city, last full month" in titles, titles
    assert not any("\u4e00" <= ch <= "\u9fff" for title in titles for ch in title), "tiles titled in English"


def test_a_bad_app_database_url_is_explained(demo_warehouse, monkeypatch):
    monkeypatch.setenv("CHATBI_WAREHOUSE__URL", str(demo_warehouse))
    monkeypatch.setenv("CHATBI_APP_DB__URL", "nosuchdriver://nowhere/db")
    monkeypatch.setenv("CHATBI_MODEL__KIND", "none")
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception and "app_db.url" in at.error[0].value


def test_catalog_upkeep_accepts_a_gap_and_shows_the_question_answered(app_env, tmp_path, monkeypatch):
    """A value people ask for that the catalog's dictionary lacks: the analyst accepts it on the page,
    the file gains it, the question is shown answered, and the app answers it from then on."""
    catalog = tmp_path / "telecom.yaml"
    catalog.write_text((ROOT / "metric_catalog/demo/telecom.yaml").read_text().replace(
        "      电子渠道: [线上渠道, 网上营业厅, 线上, 电渠, online channel, online, e-channel]\n", ""))
    monkeypatch.setenv("CHATBI_CATALOG", str(catalog))
    question = "上个月电子渠道的新增用户"
    ask(signed_in("boss", "boss-password"), question)
    assert app_env.audit.list(user="boss", kinds=["ask"])[0]["status"] != "answered"
    at = signed_in("analyst", "analyst-password")
    at.switch_page("views/catalog_gaps.py").run()
    assert not at.exception, at.exception
    assert any("value '电子渠道' in the dictionary of channel_type" in m for m in markdowns(at)), markdowns(at)
    at.button(key="gap-accept-0").click().run()
    assert not at.exception and at.success, [e.value for e in at.error]
    assert "电子渠道" in catalog.read_text()
    assert "answered" in at.dataframe[0].value.to_string()
    ask(signed_in("boss", "boss-password"), question)
    assert app_env.audit.list(user="boss", kinds=["ask"])[0]["status"] == "answered"
