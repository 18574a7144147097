"""Browser tests: Playwright driving Debian's Chromium against a live server on localhost."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from motnlp.web import create_app

from .storefixtures import annotated_calls

CHROMIUM = os.environ.get("MOTNLP_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("MOTNLP_ARTIFACTS", Path(__file__).resolve().parent.parent / "out" / "screenshots"))


def _need_browser():
    sync_api = pytest.importorskip("playwright.sync_api") if not os.environ.get("MOTNLP_REQUIRE_BROWSER") else None
    if sync_api is None:
        import playwright.sync_api as sync_api
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("MOTNLP_REQUIRE_BROWSER"):
            pytest.fail(f"MOTNLP_REQUIRE_BROWSER is set but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} not installed")
    return sync_api


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    app = create_app(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'b.db'}")
    app.state.store.ingest(annotated_calls())
    token = app.state.store.add_user("alice", "agent", "a-1")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", token
    server.should_exit = True
    thread.join(timeout=10)


def test_agent_logs_in_sees_coaching_and_follows_a_flag(server) -> None:
    sync_api = _need_browser()
    base, token = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    dialogs: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{base}/agents/a-1")
        assert page.url.endswith("/login")  # not signed in yet
        page.fill("input[name=token]", token)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/agents/a-1")
        assert page.locator("svg.chart").count() == 3
        assert page.get_by_text("我想开通国际漫游。").first.is_visible()
        assert page.get_by_text("A better question").first.is_visible()
        page.screenshot(path=str(ARTIFACTS / "agent-page.png"), full_page=True)
        page.click('a[href="/calls/roam-a#t1"]')
        page.wait_for_url(f"{base}/calls/roam-a#t1")
        assert page.locator("#t1.flagged").count() == 1
        page.screenshot(path=str(ARTIFACTS / "call-page.png"), full_page=True)
        page.goto(f"{base}/calls/evil-1")
        text = page.locator("#t1").inner_text()
        assert "<script>alert(1)</script>" in text and "<img src=x" in text  # shown as text
        assert page.locator("#t1 script, #t1 img").count() == 0
        page.screenshot(path=str(ARTIFACTS / "xss-call-page.png"), full_page=True)
        response = page.goto(f"{base}/agents/a-9")
        assert response.status == 403
        browser.close()
    assert dialogs == []  # no injected script ran
