"""The store on SQLite and on a real PostgreSQL server, and the coaching feed."""

from __future__ import annotations

import os

import pytest

from motnlp.feed import agent_moments, to_atom, weekly_stats
from motnlp.store import Store

from .storefixtures import annotated_calls


def _pg_url() -> str | None:
    url = os.environ.get("MOTNLP_TEST_PG_URL")
    if not url and os.environ.get("MOTNLP_REQUIRE_PG"):
        pytest.fail("MOTNLP_REQUIRE_PG is set but MOTNLP_TEST_PG_URL is not: the PostgreSQL tests must run")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        url = _pg_url()
        if not url:
            pytest.skip("no PostgreSQL server (set MOTNLP_TEST_PG_URL; .ci/run starts one)")
        s = Store(url)
        from motnlp.store import Base

        Base.metadata.drop_all(s.engine)
        Base.metadata.create_all(s.engine)
    yield s
    s.close()


def test_ingest_and_replace(store) -> None:
    calls = annotated_calls()
    assert store.ingest(calls, chunk_size=2) == 6
    counts = store.counts()
    assert counts["calls"] == 6 and counts["turns"] == sum(len(c.turns) for c in calls)
    assert counts["agents"] == 4 and counts["model_versions"] == 1
    store.ingest(annotated_calls()[:2])  # re-ingest: replaced, not duplicated
    assert store.counts() == counts


def test_text_is_redacted_by_default(store) -> None:
    store.ingest(annotated_calls())
    evil = store.call("evil-1")
    assert evil.turns[3].text == "My number is [PHONE]."
    assert "13812345678" not in str(evil.data)


def test_flags_and_scorecards_are_stored(store) -> None:
    store.ingest(annotated_calls())
    kinds = sorted((f.kind, f.turn) for f in store.call("en-2").flags)
    assert kinds == [("interruption", 2), ("missed_empathy", 1), ("missed_probe", 4), ("no_confirm", 5)]
    assert store.call("roam-c").scorecard.data["probes"] == 1


def test_feed_moments_with_quotes_and_good_probes(store) -> None:
    store.ingest(annotated_calls())
    moments = agent_moments(store, "a-3")
    assert [m["kind"] for m in moments] == ["good_probe"]
    assert moments[0]["quotes"][1]["text"] == "出差两周，每天要开视频会议。"
    missed = agent_moments(store, "a-1")
    probe = next(m for m in missed if m["kind"] == "missed_probe" and m["call_id"] == "roam-a")
    assert probe["quotes"][0]["text"] == "我想开通国际漫游。" and probe["suggested_probe"]["text"]
    from datetime import datetime

    assert {m["call_id"] for m in agent_moments(store, "a-1", since=datetime(2026, 3, 10))} == {"evil-1"}


def test_weekly_stats(store) -> None:
    store.ingest(annotated_calls())
    stats = weekly_stats(store.calls_for("a-9"))
    assert list(stats["weeks"]) == ["2026-03-16"]
    assert stats["weeks"]["2026-03-16"] == {"calls": 2, "probes": 1, "requirements": 2, "missed_probes": 1,
                                            "probe_rate": 0.5}


def test_atom_is_valid_atom_1_0(store) -> None:
    feedparser = pytest.importorskip("feedparser")
    store.ingest(annotated_calls())
    xml = to_atom("a-1", agent_moments(store, "a-1"))
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == len(agent_moments(store, "a-1"))
    assert all(e.id and e.title and e.updated and e.link for e in parsed.entries)
    assert any("<script>" in e.summary for e in parsed.entries)  # kept as text, escaped in the XML
    assert b"<script>" not in xml
