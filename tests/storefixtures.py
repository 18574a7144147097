"""Annotated calls for store and web tests: gold labels copied to pred, so outputs are known."""

from __future__ import annotations

from motnlp.aggregate import evidence, scorecard
from motnlp.calls import Call, Turn
from motnlp.flags import call_flags
from motnlp.io import read_calls

from .conftest import DATA

XSS = '<script>alert(1)</script> and <img src=x onerror="alert(2)">'


def _finish(call: Call, started: str) -> Call:
    for turn in call.turns:
        turn.pred, turn.confidence = turn.label, 0.9
    call.started_at = started
    call.flags = call_flags(call, "pred")
    call.extra["scorecard"] = scorecard(call, call.flags)
    call.extra["evidence"] = evidence(call, call.flags)
    for item in call.extra["evidence"]["missed_probe"]:
        item["suggested_probe"] = {"text": "What will you mainly use it for?", "call_id": "roam-c"}
    call.extra["model"] = {"name": "test", "version": "1"}
    return call


def annotated_calls() -> list[Call]:
    """Five fixture calls over three weeks, and one call whose text tries to inject HTML."""
    calls = list(read_calls([str(DATA / "roaming.jsonl"), str(DATA / "tiny_en.jsonl")]))
    days = ["2026-03-02T09:00:00+08:00", "2026-03-03T10:00:00+08:00", "2026-03-10T11:00:00+08:00",
            "2026-03-16T09:30:00+00:00", "2026-03-17T14:00:00+00:00"]
    out = [_finish(c, d) for c, d in zip(calls, days, strict=True)]
    evil = Call(call_id="evil-1", agent_id="a-1", lang="en", domain="telecom", turns=[
        Turn("agent", "Hello, how can I help?", label="other"),
        Turn("customer", f"I want roaming {XSS}", label="requirement"),
        Turn("agent", "Done, it is on.", label="do"),
        Turn("customer", "My number is 13812345678.", label="info")])
    out.append(_finish(evil, "2026-03-18T10:00:00+00:00"))
    return out
