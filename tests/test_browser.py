"""A real browser (Debian's chromium, driven by Playwright) against `streamlit run ui/app.py` with
the bundled model: sign in, ask in Chinese, see the chart and the number, pick a clarification,
pin to a dashboard. Screenshots go to test-artifacts/browser/."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from chatbi.appdb import AppDB
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [pytest.mark.slow, pytest.mark.model]


@pytest.fixture(scope="module")
def app_url(demo_warehouse, tmp_path_factory, bundled_model_path):
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'app.sqlite'}"
    AppDB.open(url).users.add("boss", "manager", "boss-password", "王经理")
    port = free_port()
    env = {**os.environ, "CHATBI_WAREHOUSE__URL": str(demo_warehouse), "CHATBI_APP_DB__URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"),
                             "--server.port", str(port), "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).text == "ok":
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    yield f"http://127.0.0.1:{port}", url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: `make test` installs Debian's chromium (apt-get install chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(STEP_BUDGET_S * 1000)
        yield page
        browser.close()


def shot(page, name: str) -> None:
    page.wait_for_timeout(800)  # let charts finish their transition
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# A step's budget holds on a loaded 2-core machine (the model may be reading beside a busy suite).
STEP_BUDGET_S = 300


def wait(page, locator, what: str, budget_s: float = STEP_BUDGET_S) -> None:
    """Wait for ``locator``; on failure say what was awaited, show the page, keep a screenshot."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        locator.wait_for(timeout=budget_s * 1000)
    except PlaywrightTimeout:
        name = re.sub(r"\W+", "-", what)[:40]
        page.screenshot(path=str(ARTIFACTS / f"failed-{name}.png"), full_page=True)
        text = page.locator("body").inner_text()[-1500:]
        pytest.fail(f"waited {budget_s:g} s for {what}; screenshot failed-{name}.png; the page ends with:\n{text}")


def ask(page, question: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")


def test_sign_in_ask_clarify_and_pin(page, app_url):
    base, db_url = app_url
    page.goto(base)
    page.get_by_label("用户名").fill("boss")
    page.get_by_label("密码").fill("boss-password")
    shot(page, "01-sign-in")
    page.get_by_role("button", name="登录").click()
    wait(page, page.get_by_text("王经理"), "the signed-in name in the sidebar")

    ask(page, "上个月各地市欠费率排名前3")
    wait(page, page.get_by_text(re.compile("欠费率，共 3 行")), "the ranking headline")
    wait(page, page.locator(".js-plotly-plot").first, "the ranking chart")
    assert page.locator(".js-plotly-plot").count() == 1
    shot(page, "02-answer-chart")

    ask(page, "只看杭州")
    wait(page, page.get_by_test_id("stMetricValue").first, "the follow-up KPI tile")
    assert page.get_by_test_id("stMetricValue").first.inner_text().endswith("%")
    shot(page, "03-follow-up-kpi")

    ask(page, "我要看下近三个月的欠费指标")
    wait(page, page.get_by_text("这个问题可能指以下几个指标，请选择："), "the clarification (a model reading)")
    choice = page.get_by_role("button", name=re.compile("欠费金额，.*2026-08-01")).first
    choice.click()
    wait(page, page.get_by_text(re.compile("欠费金额为")).last, "the picked answer")
    shot(page, "04-clarification-picked")

    page.get_by_role("button", name=re.compile("固定到看板")).last.click()
    page.get_by_label("新看板名称").last.fill("我的看板")
    page.get_by_role("button", name="固定", exact=True).last.click()
    wait(page, page.get_by_text("已固定到看板。"), "the pin confirmation")
    board = AppDB.open(db_url).dashboards.find("我的看板")
    assert board is not None and board.tiles[0].query.metrics == ["arrears_amount"]

    page.get_by_role("link", name=re.compile("看板")).click()
    wait(page, page.get_by_text("上月新增用户数（按地市）"), "the dashboard tile title")
    wait(page, page.locator(".js-plotly-plot").nth(2), "the dashboard charts")
    shot(page, "05-dashboard")
