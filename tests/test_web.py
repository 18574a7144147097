"""The coaching web app: pages, API, feed, access control and escaping."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from motnlp.web import create_app

from .storefixtures import annotated_calls


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    application = create_app(url)
    store = application.state.store
    store.ingest(annotated_calls())
    tokens = {"a1": store.add_user("alice", "agent", "a-1"), "a9": store.add_user("bob", "agent", "a-9"),
              "coach": store.add_user("carol", "coach")}
    return application, tokens


def _client(app, token=None) -> TestClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return TestClient(app, headers=headers, follow_redirects=False)


def test_agent_page_shows_charts_moments_and_quotes(app) -> None:
    application, tokens = app
    response = _client(application, tokens["a1"]).get("/agents/a-1")
    assert response.status_code == 200
    html = response.text
    assert html.count("<svg") == 3 and "Probes per requirement by week" in html
    assert "我想开通国际漫游。" in html and "A better question" in html
    assert 'href="/calls/roam-a#t1"' in html
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_injected_html_is_rendered_as_text(app) -> None:
    application, tokens = app
    for path in ("/agents/a-1", "/calls/evil-1"):
        html = _client(application, tokens["a1"]).get(path).text
        assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=" in html


@pytest.mark.parametrize("path", ["/agents/a-9", "/calls/en-1", "/api/agents/a-9/moments", "/api/agents/a-9/stats",
                                  "/api/calls/en-2", "/feed/a-9.atom", "/team", "/api/team"])
def test_an_agent_cannot_see_another_agents_data(app, path) -> None:
    application, tokens = app
    assert _client(application, tokens["a1"]).get(path).status_code == 403


@pytest.mark.parametrize("path", ["/agents/a-9", "/calls/en-1", "/api/agents/a-1/moments", "/api/calls/roam-a",
                                  "/feed/a-1.atom", "/team", "/api/team"])
def test_a_coach_sees_everything(app, path) -> None:
    application, tokens = app
    assert _client(application, tokens["coach"]).get(path).status_code == 200


def test_no_or_bad_token(app) -> None:
    application, _ = app
    assert _client(application).get("/api/agents/a-1/moments").status_code == 401
    assert _client(application, "not-a-token").get("/feed/a-1.atom").status_code == 401
    page = _client(application).get("/agents/a-1")
    assert page.status_code == 303 and page.headers["location"] == "/login"


def test_login_sets_cookie_and_redirects(app) -> None:
    application, tokens = app
    client = TestClient(application, follow_redirects=False)
    bad = client.post("/login", content="token=nope", headers={"content-type": "application/x-www-form-urlencoded"})
    assert "not valid" in bad.text
    good = client.post("/login", content=f"token={tokens['a1']}",
                       headers={"content-type": "application/x-www-form-urlencoded"})
    assert good.status_code == 303 and good.headers["location"] == "/agents/a-1"
    assert client.get("/agents/a-1").status_code == 200  # the cookie now authenticates


def test_api_mirrors_pages(app) -> None:
    application, tokens = app
    client = _client(application, tokens["a1"])
    moments = client.get("/api/agents/a-1/moments").json()
    assert {m["call_id"] for m in moments} == {"roam-a", "evil-1"}
    assert client.get("/api/calls/roam-a").json()["call_id"] == "roam-a"
    stats = client.get("/api/agents/a-1/stats", params={"since": "2026-03-10"}).json()
    assert stats["stats"]["calls"] == 1
    assert client.get("/api/agents/a-1/stats", params={"since": "yesterday"}).status_code == 422
    assert client.get("/api/calls/nope").status_code == 404
    schema = client.get("/openapi.json").json()
    assert "/api/agents/{agent_id}/moments" in schema["paths"]
