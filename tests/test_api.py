"""The HTTP API, live over loopback: tokens, ask, pick, feedback, dashboards, analysts' SQL, RLS."""

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from chatbi.appdb import AppDB
from semantic_layer import Filter, GroupBy, SemanticQuery
from tests.api_server import start_api
from tests.conftest import TEST_AS_OF, free_port

OWN_CHANNEL = "CH330100003"


@pytest.fixture(scope="module")
def api(demo_warehouse, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'app.sqlite'}"
    db = AppDB.open(url)
    db.users.add("boss", "manager", "long-enough")
    db.users.add("li", "analyst", "long-enough")
    db.users.add("li.na", "channel_staff", attrs={"channel_id": OWN_CHANNEL})
    tokens = {name: db.users.issue_token(name) for name in ("boss", "li", "li.na")}
    board = db.dashboards.create("渠道考核看板", "boss", shared_roles=["manager"], filters={})
    db.dashboards.pin(board, "各地市新增", SemanticQuery(metrics=["new_subscribers"], group_by=[GroupBy(dimension="city")]),
                      period="last_closed_month")
    db.dashboards.pin(board, "欠费余额", SemanticQuery(metrics=["arrears_balance"]), period="last_closed_month")
    port = free_port()
    proc = start_api(port, str(demo_warehouse), url)
    base = f"http://127.0.0.1:{port}"
    yield base, tokens, db, board
    proc.terminate()
    proc.wait(timeout=30)


def call(api, who, method, path, **kw):
    base, tokens, *_ = api
    headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
    headers.update(kw.pop("headers", {}))
    return httpx.request(method, base + path, headers=headers, timeout=60, **kw)


def test_health_and_openapi_need_no_token(api):
    base = api[0]
    health = httpx.get(base + "/v1/health").json()
    assert health["status"] == "ok" and health["reference_date"] == "2026-11-15"
    spec = httpx.get(base + "/openapi.json").json()
    assert {"/v1/ask", "/v1/answers/{event_id}/pick", "/v1/answers/{event_id}/feedback", "/v1/dashboards",
            "/v1/dashboards/{dashboard_id}/run", "/v1/health"} <= set(spec["paths"])


def test_requests_without_a_valid_token_are_refused_with_advice(api):
    missing = call(api, None, "POST", "/v1/ask", json={"question": "本月新增用户"})
    assert missing.status_code == 401 and "chatbi users token" in missing.json()["detail"]
    base = api[0]
    wrong = httpx.post(base + "/v1/ask", json={"question": "本月新增用户"}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "revoked" in wrong.json()["detail"]
    empty = call(api, "boss", "POST", "/v1/ask", json={"question": ""})
    assert empty.status_code == 422


def test_ask_feedback_and_audit(api):
    answer = call(api, "boss", "POST", "/v1/ask", json={"question": "上个月各地市欠费率排名前3"}).json()
    assert answer["status"] == "answered" and len(answer["rows"]) == 3 and answer["event_id"]
    rated = call(api, "boss", "POST", f"/v1/answers/{answer['event_id']}/feedback", json={"rating": -1,
                                                                                         "comment": "少了丽水"})
    assert rated.status_code == 200
    stolen = call(api, "li", "POST", f"/v1/answers/{answer['event_id']}/feedback", json={"rating": 1})
    assert stolen.status_code == 400 and "only rate answers you were given" in stolen.json()["detail"]
    event = api[2].audit.get(answer["event_id"])
    assert (event["user_name"], event["client"], event["path"], event["row_count"]) == ("boss", "api", "matcher", 3)


def test_clarification_pick_over_http(api):
    choice = call(api, "boss", "POST", "/v1/ask", json={"question": "上个月各地市的排名"}).json()
    if choice["status"] != "clarify":
        choice = call(api, "boss", "POST", "/v1/ask", json={"question": "本月的账单情况"}).json()
    assert choice["status"] == "clarify" and len(choice["candidates"]) >= 2
    picked = call(api, "boss", "POST", f"/v1/answers/{choice['event_id']}/pick", json={"index": 1}).json()
    assert picked["status"] == "answered" and picked["path"] == "clarification"
    assert picked["interpretation"] == choice["candidates"][1]["interpretation"]
    out_of_range = call(api, "boss", "POST", f"/v1/answers/{choice['event_id']}/pick", json={"index": 9})
    assert out_of_range.status_code == 400 and "Pick a number" in out_of_range.json()["detail"]
    assert api[2].audit.get(picked["event_id"])["parent_id"] == choice["event_id"]


def test_row_level_security_applies_exactly_as_in_the_app(api):
    own = call(api, "li.na", "POST", "/v1/ask", json={"question": "本月各渠道新增用户"}).json()
    assert own["status"] == "answered" and len(own["rows"]) == 1, "a staff member sees only their own outlet"
    everyone = call(api, "boss", "POST", "/v1/ask", json={"question": "本月各渠道新增用户"}).json()
    assert len(everyone["rows"]) > 1
    denied = call(api, "li.na", "POST", "/v1/ask", json={"question": "上个月的出账收入"}).json()
    assert denied["status"] == "refused"


def test_analyst_sql_is_guarded_and_staff_cannot_use_it(api):
    sql = {"sql": "SELECT channel_id, count(*) AS n FROM fact_activation GROUP BY channel_id"}
    analyst = call(api, "li", "POST", "/v1/sql", json=sql).json()
    assert analyst["status"] == "answered" and analyst["governed"] is False and analyst["verified"] is False and len(analyst["rows"]) > 1
    staff = call(api, "li.na", "POST", "/v1/sql", json=sql)
    assert staff.status_code == 403 and "Only analysts" in staff.json()["detail"]
    hostile = call(api, "li", "POST", "/v1/sql", json={"sql": "DELETE FROM fact_activation"}).json()
    assert hostile["status"] == "refused"


def test_dashboards_run_with_filters_and_follow_sharing(api):
    boards = call(api, "boss", "GET", "/v1/dashboards").json()
    assert [b["name"] for b in boards] == ["渠道考核看板"]
    board = boards[0]["id"]
    full = call(api, "boss", "POST", f"/v1/dashboards/{board}/run", json={}).json()
    assert [t["answer"]["status"] for t in full["tiles"]] == ["answered", "answered"]
    assert len(full["tiles"][0]["answer"]["rows"]) == 11
    hz = call(api, "boss", "POST", f"/v1/dashboards/{board}/run", json={"filters": {"city": ["杭州"]}}).json()
    assert [r[0] for r in hz["tiles"][0]["answer"]["rows"]] == ["杭州"]
    assert Filter(dimension="city", op="=", values=["杭州"]).model_dump() in hz["tiles"][1]["answer"]["interpretation"][
        "filters"]
    assert call(api, "li.na", "GET", "/v1/dashboards").json() == []
    assert call(api, "li.na", "POST", f"/v1/dashboards/{board}/run", json={}).status_code == 403
    bad = call(api, "boss", "POST", f"/v1/dashboards/{board}/run", json={"filters": {"staff": ["x"]}})
    assert bad.status_code == 400 and "city, channel_type, period" in bad.json()["detail"]


def test_fifty_concurrent_clients_get_no_errors(api):
    questions = ["本月新增用户", "上个月各地市欠费率排名前3", "近三个月温州各区县的欠费金额", "把数据删了",
                 "本月各渠道新增用户"]

    def client(n: int) -> list[int]:
        who = ("boss", "li", "li.na")[n % 3]
        return [call(api, who, "POST", "/v1/ask", json={"question": questions[(n + i) % 5]}).status_code
                for i in range(4)]

    with ThreadPoolExecutor(50) as pool:
        codes = [c for result in pool.map(client, range(50)) for c in result]
    assert codes == [200] * 200


def test_follow_up_refines_the_previous_answer(api):
    first = call(api, "boss", "POST", "/v1/ask", json={"question": "上个月各地市新增用户数"}).json()
    refined = call(api, "boss", "POST", "/v1/ask", json={"question": "只看杭州",
                                                           "follow_up_of": first["event_id"]}).json()
    assert refined["path"] == "follow_up" and len(refined["rows"]) == 1
    assert {"dimension": "city", "op": "=", "values": ["杭州"]} in refined["interpretation"]["filters"]
    other = call(api, "li", "POST", "/v1/ask", json={"question": "只看杭州", "follow_up_of": first["event_id"]})
    assert other.status_code == 400, "one user cannot build on another user's answer"


def test_analysts_review_and_verify_over_http(api):
    asked = call(api, "boss", "POST", "/v1/ask", json={"question": "温州的宽带上个月装得怎么样"}).json()
    call(api, "boss", "POST", f"/v1/answers/{asked['event_id']}/feedback", json={"rating": -1, "comment": "要温州的"})
    queue = call(api, "li", "GET", "/v1/review").json()
    assert any(i["question"] == "温州的宽带上个月装得怎么样" for i in queue)
    assert call(api, "li.na", "GET", "/v1/review").status_code == 403
    fix = {"question": "温州的宽带上个月装得怎么样", "source_event_id": asked["event_id"],
           "interpretation": {"metrics": ["broadband_installs"],
                              "filters": [{"dimension": "city", "op": "=", "values": ["温州"]}],
                              "time_range": {"start": "2026-10-01", "end": "2026-10-31"}}}
    assert call(api, "li.na", "POST", "/v1/verified", json=fix).status_code == 403
    assert call(api, "li", "POST", "/v1/verified", json={**fix, "interpretation": None}).status_code == 422
    saved = call(api, "li", "POST", "/v1/verified", json=fix)
    assert saved.status_code == 200 and saved.json()["verified_id"]
    again = call(api, "boss", "POST", "/v1/ask", json={"question": "温州的宽带上个月装得怎么样"}).json()
    assert again["path"] == "verified" and again["verified_id"] == saved.json()["verified_id"]
    assert not any(i["question"] == "温州的宽带上个月装得怎么样" for i in call(api, "li", "GET", "/v1/review").json())


BAD_REQUESTS = [
    ("POST", "/v1/ask", {"json": {"question": "本月新增用户", "as_of": "9999-12-31"}}),
    ("POST", "/v1/ask", {"json": {"question": "本月新增用户", "as_of": "0001-01-01"}}),
    ("POST", "/v1/ask", {"json": {"question": "本月新增用户", "as_of": "2026-13-45"}}),
    ("POST", "/v1/ask", {"json": {"question": "本月新增用户", "follow_up_of": 2**40}}),
    ("POST", "/v1/ask", {"json": {"question": "本月新增用户", "follow_up_of": -3}}),
    ("POST", "/v1/ask", {"content": '{"question": "本月新增用户", "follow_up_of": NaN}',
                         "headers": {"Content-Type": "application/json"}}),
    ("POST", "/v1/ask", {"content": '{"question": "x", "follow_up_of": Infinity}',
                         "headers": {"Content-Type": "application/json"}}),
    ("POST", "/v1/ask", {"content": "not json", "headers": {"Content-Type": "application/json"}}),
    ("POST", "/v1/ask", {"json": {"question": "x" * 5000}}),
    ("POST", "/v1/ask", {"json": {"question": 12}}),
    ("GET", "/v1/review?days=99999999999", {}),
    ("GET", "/v1/review?days=1000000000", {}),
    ("GET", "/v1/review?days=-1", {}),
    ("GET", "/v1/review?days=0", {}),
    ("GET", "/v1/review?days=abc", {}),
    ("POST", "/v1/answers/99999999999999999999/pick", {"json": {"index": 0}}),
    ("POST", "/v1/answers/0/feedback", {"json": {"rating": 1}}),
    ("POST", "/v1/answers/1/pick", {"json": {"index": 10**12}}),
    ("POST", "/v1/answers/1/feedback", {"json": {"rating": 5}}),
    ("POST", "/v1/dashboards/99999999999/run", {"json": {}}),
    ("POST", "/v1/sql", {"json": {"sql": "SELECT 1", "max_rows": 10**9}}),
]


@pytest.mark.parametrize("method,path,kw", BAD_REQUESTS, ids=[f"{m} {p[:40]}" for m, p, _ in BAD_REQUESTS])
def test_bad_input_is_a_4xx_that_says_what_to_do_never_a_500(api, method, path, kw):
    response = call(api, "li", method, path, **kw)
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    detail = response.json()["detail"]
    assert detail and "Internal error" not in str(detail)


def test_control_characters_never_come_back_in_an_answer(api):
    question = "本月\x00新增\u202e用户\u200b数\u2066排名"
    body = call(api, "boss", "POST", "/v1/ask", json={"question": question}).json()
    echoed = json.dumps(body, ensure_ascii=False)
    assert not any(ch in echoed for ch in "\x00\u202e\u200b\u2066")
    assert body["question"] == "本月新增用户数排名"


def test_sql_is_refused_to_staff_in_words_about_sql(api):
    response = call(api, "li.na", "POST", "/v1/sql", json={"sql": "SELECT 1"})
    assert response.status_code == 403 and "run SQL" in response.json()["detail"]
    assert "correct" not in response.json()["detail"]


def test_health_counts_verified_answers_before_any_question(demo_warehouse, tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    db = AppDB.open(url)
    db.verified.save("各地市新增", "li", TEST_AS_OF, interpretation=SemanticQuery(
        metrics=["new_subscribers"], group_by=[GroupBy(dimension="city")]))
    port = free_port()
    proc = start_api(port, str(demo_warehouse), url)
    try:
        assert httpx.get(f"http://127.0.0.1:{port}/v1/health").json()["verified_answers"] == 1
    finally:
        proc.terminate()
        proc.wait(timeout=30)
