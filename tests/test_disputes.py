"""Agent disputes: library rules, API routes and access control, CLI, and their use as gold labels."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from motnlp.disputes import accepted_calls, add_dispute, apply_disputes, decide, get_dispute, list_disputes, user_by_name
from motnlp.errors import MotnlpError
from motnlp.io import read_calls
from motnlp.store import Store
from motnlp.web import create_app

from .conftest import DATA
from .storefixtures import annotated_calls


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'd.db'}")
    store.ingest(annotated_calls())
    for name, role, agent in (("alice", "agent", "a-1"), ("bob", "agent", "a-9"), ("carol", "coach", None),
                              ("ada", "admin", None)):
        store.add_user(name, role, agent)
    return store


def test_an_agent_disputes_only_their_own_calls(store) -> None:
    alice = user_by_name(store, "alice")
    dispute = add_dispute(store, alice, "roam-a", 2, "offer", "I offered, I did not do it yet")
    assert dispute["status"] == "open" and dispute["previous"] == "do" and dispute["author"] == "alice"
    with pytest.raises(MotnlpError, match="E036: agent 'alice' may not dispute call 'en-1'"):
        add_dispute(store, alice, "en-1", 2, "explore.clarify")
    with pytest.raises(MotnlpError, match="E035: no stored call 'nope'"):
        add_dispute(store, alice, "nope", 0, "other")
    with pytest.raises(MotnlpError, match=r"E013: field 'turn' must be a turn index of call 'roam-a' \(0-3\)"):
        add_dispute(store, alice, "roam-a", 4, "other")
    with pytest.raises(MotnlpError, match="E028: dispute on call roam-a: 'need' is a customer label"):
        add_dispute(store, alice, "roam-a", 2, "need")
    with pytest.raises(MotnlpError, match="E027"):
        add_dispute(store, alice, "roam-a", 1, "complaint")
    assert add_dispute(store, user_by_name(store, "carol"), "en-1", 2, "explore.clarify")["author"] == "carol"


def test_coaches_decide_once_and_accepted_labels_become_gold(store) -> None:
    alice, carol = user_by_name(store, "alice"), user_by_name(store, "carol")
    first = add_dispute(store, alice, "roam-a", 2, "offer")
    second = add_dispute(store, alice, "roam-a", 3, "feedback")
    with pytest.raises(MotnlpError, match="E036: agent 'alice' may not accept disputes"):
        decide(store, alice, first["id"], accept=True)
    accepted = decide(store, carol, first["id"], accept=True)
    assert accepted["status"] == "accepted" and accepted["decided_by"] == "carol" and accepted["decided_at"]
    with pytest.raises(MotnlpError, match=f"E037: dispute #{first['id']} is already accepted"):
        decide(store, user_by_name(store, "ada"), first["id"], accept=False)
    assert decide(store, carol, second["id"], accept=False)["status"] == "rejected"
    with pytest.raises(MotnlpError, match="E035: no dispute 99"):
        decide(store, carol, 99, accept=True)

    (call,) = accepted_calls(store)
    assert call.call_id == "roam-a" and call.turns[2].label == "offer" and call.turns[3].label == "other"
    assert all(t.pred is None for t in call.turns) and "scorecard" not in call.extra
    training = list(read_calls([str(DATA / "roaming.jsonl")]))
    merged, changed = apply_disputes(training, store)
    assert changed == 1 and len(merged) == 3
    assert [t.label for t in merged[0].turns] == ["other", "requirement", "offer", "other"]
    assert training[0].turns[2].label == "do"  # the input calls are not modified
    assert merged[0].flags == {"missed_probe": [1], "no_confirm": True, "missed_empathy": [], "interruptions": []}


def test_agents_see_only_disputes_on_their_calls(store) -> None:
    alice, bob = user_by_name(store, "alice"), user_by_name(store, "bob")
    add_dispute(store, alice, "roam-a", 2, "offer")
    add_dispute(store, bob, "en-2", 2, "explore.probe")
    assert [d["call_id"] for d in list_disputes(store, who=alice)] == ["roam-a"]
    assert [d["call_id"] for d in list_disputes(store, who=user_by_name(store, "carol"))] == ["roam-a", "en-2"]
    assert [d["call_id"] for d in list_disputes(store, status="open", call_id="en-2")] == ["en-2"]
    assert get_dispute(store, 2, who=bob)["label"] == "explore.probe"
    with pytest.raises(MotnlpError, match="E035"):
        get_dispute(store, 2, who=alice)


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    application = create_app(f"sqlite:///{tmp_path_factory.mktemp('dweb') / 'w.db'}")
    store = application.state.store
    store.ingest(annotated_calls())
    tokens = {"a1": store.add_user("alice", "agent", "a-1"), "a9": store.add_user("bob", "agent", "a-9"),
              "coach": store.add_user("carol", "coach")}

    def client(who: str | None) -> TestClient:
        return TestClient(application, headers={"Authorization": f"Bearer {tokens[who]}"} if who else {})

    return client


def test_dispute_api_enforces_who_may_do_what(web) -> None:
    body = {"call_id": "roam-a", "turn": 2, "label": "offer", "comment": "not done yet"}
    assert web(None).post("/api/disputes", json=body).status_code == 401
    created = web("a1").post("/api/disputes", json=body)
    assert created.status_code == 201 and created.json()["status"] == "open"
    dispute_id = created.json()["id"]
    assert web("a9").post("/api/disputes", json=body).status_code == 403  # not bob's call
    assert web("a1").post("/api/disputes", json={**body, "call_id": "nope"}).status_code == 404
    assert web("a1").post("/api/disputes", json={**body, "label": "need"}).status_code == 422
    assert web("a1").post("/api/disputes", json={**body, "turn": 40}).status_code == 422
    assert web("a1").post("/api/disputes", json={**body, "turn": -1}).status_code == 422
    assert web("a9").get(f"/api/disputes/{dispute_id}").status_code == 403
    assert web("a1").get(f"/api/disputes/{dispute_id}").json()["label"] == "offer"
    assert web("a9").get("/api/disputes").json() == []
    assert web("a1").post(f"/api/disputes/{dispute_id}/accept").status_code == 403
    accepted = web("coach").post(f"/api/disputes/{dispute_id}/accept")
    assert accepted.status_code == 200 and accepted.json()["decided_by"] == "carol"
    assert web("coach").post(f"/api/disputes/{dispute_id}/reject").status_code == 409
    assert web("coach").post("/api/disputes/424242/reject").status_code == 404
    assert [d["status"] for d in web("a1").get("/api/disputes", params={"status": "accepted"}).json()] == ["accepted"]
    assert web("coach").get("/api/disputes", params={"status": "maybe"}).status_code == 422


def test_disputes_cli(cli, store, tmp_path) -> None:
    db = store.url
    assert cli("disputes", "add", "roam-a", "2", "offer", "--user", "alice", "--db", db).out.strip() == "1"
    bad = cli("disputes", "add", "roam-a", "2", "offer", "--user", "mallory", "--db", db)
    assert bad.code == 2 and "E035: no user 'mallory'" in bad.err
    assert cli("disputes", "accept", "1", "--user", "alice", "--db", db).code == 2
    assert cli("disputes", "accept", "1", "--user", "carol", "--db", db).code == 0
    listed = cli("disputes", "list", "--db", db)
    assert "#1" in listed.out and "accepted" in listed.out and "do -> offer" in listed.out and "by carol" in listed.out
    rows = json.loads(cli("disputes", "list", "--db", db, "--json", "--status", "accepted").out)
    assert [(r["call_id"], r["turn"], r["label"]) for r in rows] == [("roam-a", 2, "offer")]
    out = tmp_path / "gold.jsonl"
    assert cli("disputes", "export", "--db", db, "-o", out).code == 0
    (line,) = [json.loads(x) for x in out.read_text().splitlines()]
    assert line["turns"][2]["label"] == "offer" and "pred" not in line["turns"][2]
