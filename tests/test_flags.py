"""Flags follow the guidelines' rules exactly (worked example included)."""

from __future__ import annotations

from motnlp.flags import LabelledTurn as T
from motnlp.flags import call_flags, compute_flags
from motnlp.io import read_calls

from .conftest import DATA


def test_guidelines_worked_example() -> None:
    flags = {c.call_id: call_flags(c) for c in read_calls([str(DATA / "roaming.jsonl")])}
    assert flags["roam-a"]["missed_probe"] == [1]
    assert flags["roam-b"]["missed_probe"] == [1]
    assert flags["roam-c"]["missed_probe"] == []
    assert flags["roam-c"]["no_confirm"] is False and flags["roam-a"]["no_confirm"] is True


def test_requirement_never_acted_on_is_not_flagged() -> None:
    turns = [T("customer", "requirement"), T("agent", "explore.clarify"), T("customer", "info")]
    assert compute_flags(turns)["missed_probe"] == []


def test_window_starts_after_previous_requirement() -> None:
    # the window of the second requirement runs from just after the first one, so the
    # earlier probe still grounds it (the rule as written)
    turns = [T("customer", "requirement"), T("agent", "explore.probe"), T("customer", "need"),
             T("agent", "offer"), T("customer", "requirement"), T("agent", "do")]
    assert compute_flags(turns)["missed_probe"] == []
    turns = [T("agent", "explore.probe"), T("customer", "requirement"), T("agent", "offer"),
             T("customer", "requirement"), T("agent", "do")]
    assert compute_flags(turns)["missed_probe"] == [3]


def test_need_before_requirement_in_window_grounds_it() -> None:
    turns = [T("customer", "need"), T("customer", "requirement"), T("agent", "do"), T("agent", "confirm")]
    flags = compute_flags(turns)
    assert flags["missed_probe"] == [] and flags["no_confirm"] is False


def test_no_confirm_needs_an_action() -> None:
    assert compute_flags([T("agent", "other"), T("agent", "confirm")])["no_confirm"] is False
    assert compute_flags([T("agent", "confirm"), T("agent", "offer")])["no_confirm"] is True


def test_missed_empathy_looks_at_next_two_agent_turns() -> None:
    turns = [T("customer", "feeling"), T("agent", "other"), T("customer", "info"), T("agent", "listen.empathy"),
             T("customer", "feeling"), T("agent", "do"), T("agent", "confirm"), T("agent", "listen.empathy")]
    assert compute_flags(turns)["missed_empathy"] == [4]


def test_interruptions_need_more_than_half_a_second() -> None:
    turns = [T("customer", "info", 0.0, 3.0), T("agent", "other", 2.6, 4.0),
             T("customer", "info", 4.0, 6.0), T("agent", "other", 5.4, 7.0), T("agent", "other", 7.0, 8.0)]
    assert compute_flags(turns)["interruptions"] == [3]
