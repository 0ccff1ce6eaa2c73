"""`chatbi users|audit|review|verified` against a throwaway app database."""

import json

import pytest
from typer.testing import CliRunner

from chatbi.cli import app


def flat(result) -> str:
    """The output with rich's line wrapping undone."""
    return " ".join(result.output.split()).replace("- -", "--")


@pytest.fixture
def run(tmp_path, monkeypatch, demo_warehouse):
    monkeypatch.setenv("CHATBI_APP_DB__URL", f"sqlite:///{tmp_path / 'app.sqlite'}")
    monkeypatch.setenv("CHATBI_WAREHOUSE__URL", str(demo_warehouse))
    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(app, list(args), **kw)


def test_users_add_checks_roles_and_bindings_and_hashes_passwords(run):
    assert run("users", "add", "li", "--role", "analyst", "--password-stdin", input="long-enough\n").exit_code == 0
    unknown = run("users", "add", "x", "--role", "boss", "--no-password")
    assert unknown.exit_code == 2 and "channel_staff" in flat(unknown)
    unbound = run("users", "add", "li.na", "--role", "channel_staff", "--no-password")
    assert unbound.exit_code == 2 and "--attr channel_id=" in flat(unbound)
    assert run("users", "add", "li.na", "--role", "channel_staff", "--attr", "channel_id=CH330100003",
               "--no-password").exit_code == 0
    again = run("users", "add", "li", "--role", "analyst", "--password", "long-enough")
    assert again.exit_code == 1 and "already exists" in flat(again)
    listed = json.loads(run("users", "list", "--json").stdout)
    assert {u["name"]: u["role"] for u in listed} == {"li": "analyst", "li.na": "channel_staff"}
    token = run("users", "token", "li.na").stdout.strip()
    assert token.startswith("cbi_")
    assert run("users", "set", "li.na", "--disable").exit_code == 0
    assert json.loads(run("users", "list", "--json").stdout)[1]["disabled"] is True


def test_ask_as_a_user_is_audited_and_listed(run):
    run("users", "add", "li.na", "--role", "channel_staff", "--attr", "channel_id=CH330100003", "--no-password")
    asked = run("ask", "本月新增用户", "--user", "li.na", "--no-model", "--json")
    assert asked.exit_code == 0 and json.loads(asked.stdout)["status"] == "answered"
    run("ask", "竞争对手的新增用户", "--user", "li.na", "--no-model", "--json")
    run("sql", "SELECT count(*) FROM dim_city", "--json")
    lines = [json.loads(x) for x in run("audit", "--since", "1h", "--json").stdout.splitlines()]
    assert [(e["kind"], e["user_name"], e["client"]) for e in lines][-2:] == [("ask", "li.na", "cli")] * 2
    assert lines[0]["kind"] == "sql" and lines[0]["sql"].startswith("SELECT")
    assert all("rows" not in e for e in lines)
    only = [json.loads(x) for x in run("audit", "--user", "li.na", "--kind", "ask", "--json").stdout.splitlines()]
    assert len(only) == 2
    assert run("audit", "--since", "yesterday-ish").exit_code == 2
    unknown = run("ask", "本月新增用户", "--user", "nobody", "--no-model")
    assert unknown.exit_code == 1 and "chatbi users list" in flat(unknown)
    review = json.loads(run("review", "list", "--json").stdout)
    assert [(i["kind"], i["question"]) for i in review] == [("refused", "竞争对手的新增用户")]


def test_verified_add_list_retire(run):
    run("users", "add", "li", "--role", "analyst", "--no-password")
    query = json.dumps({"metrics": ["new_subscribers"]})
    added = run("verified", "add", "新增的人有多少", "--user", "li", "--interpretation", query)
    assert added.exit_code == 0, added.output
    bad = run("verified", "add", "x", "--user", "li", "--interpretation", '{"metrics": []}')
    assert bad.exit_code == 2 and "not a valid query" in flat(bad)
    rows = json.loads(run("verified", "list", "--json").stdout)
    assert [r["question"] for r in rows] == ["新增的人有多少"]
    assert run("verified", "retire", str(rows[0]["id"]), "--user", "li").exit_code == 0
    assert json.loads(run("verified", "list", "--json").stdout) == []


def test_demo_users_give_one_account_per_role(run):
    created = run("demo", "users", "--password", "demo-password")
    assert created.exit_code == 0, created.output
    roles = {u["name"]: u["role"] for u in json.loads(run("users", "list", "--json").stdout)}
    assert set(roles.values()) == {"admin", "manager", "analyst", "city_manager", "channel_staff"}
    again = run("demo", "users", "--password", "demo-password")
    assert again.exit_code == 0 and "already exists" in flat(again), "running it twice changes nothing"
