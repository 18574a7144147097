"""Aggregate stage: per-call flags with evidence, and the scorecard.

Every score is defined once, in :data:`SCORES`, and documented in the README.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from .calls import Call, Turn
from .flags import LabelledTurn, compute_flags, labelled_turns
from .labels import AGENT, CUSTOMER, coarse

__all__ = ["SCORES", "evidence", "scorecard"]

_ACTS = ("offer", "do")
PHASES = ("explore", "offer", "do", "confirm", "listen", "other")


def _quote(call: Call, i: int, source: str) -> dict:
    turn: Turn = call.turns[i]
    out = {"turn": i, "speaker": turn.speaker, "label": getattr(turn, source), "quote": turn.text}
    if turn.timed:
        out["start"], out["end"] = turn.start, turn.end
    return out


def _first_act_after(turns: list[LabelledTurn], i: int) -> int | None:
    return next((k for k in range(i + 1, len(turns)) if turns[k].speaker == AGENT and turns[k].label in _ACTS), None)


def evidence(call: Call, flags: dict, source: str = "pred") -> dict:
    """The turns and quotes behind each flag of ``call``."""
    turns = labelled_turns(call, source)
    missed = []
    for i in flags["missed_probe"]:
        j = _first_act_after(turns, i)
        missed.append({"requirement": _quote(call, i, source), "acted_on_by": _quote(call, j, source)})
    empathy = []
    for i in flags["missed_empathy"]:
        replies = [k for k in range(i + 1, len(turns)) if turns[k].speaker == AGENT][:2]
        empathy.append({"feeling": _quote(call, i, source), "replies": [_quote(call, k, source) for k in replies]})
    interrupts = []
    for i in flags["interruptions"]:
        c = max(k for k in range(i) if turns[k].speaker == CUSTOMER)
        interrupts.append({"agent": _quote(call, i, source), "customer": _quote(call, c, source),
                           "overlap_seconds": round(turns[c].end - turns[i].start, 2)})
    out: dict = {"missed_probe": missed, "missed_empathy": empathy, "interruptions": interrupts}
    if flags["no_confirm"]:
        last = max(k for k, t in enumerate(turns) if t.speaker == AGENT and t.label in _ACTS)
        out["no_confirm"] = {"last_action": _quote(call, last, source)}
    return out


def _phase_counts(turns: list[LabelledTurn]) -> dict:
    counts = Counter(coarse(t.label) for t in turns if t.speaker == AGENT and t.label)
    return {p: counts.get(p, 0) for p in PHASES}


def _explore_before_act(turns: list[LabelledTurn]) -> bool | None:
    first = next((k for k, t in enumerate(turns) if t.speaker == AGENT and t.label in _ACTS), None)
    if first is None:
        return None
    return any(t.speaker == AGENT and coarse(t.label or "") == "explore" for t in turns[:first])


def _count(turns: list[LabelledTurn], speaker: str, *labels: str) -> int:
    return sum(1 for t in turns if t.speaker == speaker and t.label in labels)


def _per_requirement(turns: list[LabelledTurn], speaker: str, label: str) -> float | None:
    reqs = _count(turns, CUSTOMER, "requirement")
    return round(_count(turns, speaker, label) / reqs, 2) if reqs else None


def _talk_share(turns: list[LabelledTurn], call: Call) -> float | None:
    if call.turns and all(t.timed for t in call.turns):
        agent = sum(t.end - t.start for t in call.turns if t.speaker == AGENT)
        total = sum(t.end - t.start for t in call.turns)
    else:
        agent = sum(len(t.text) for t in call.turns if t.speaker == AGENT)
        total = sum(len(t.text) for t in call.turns)
    return round(agent / total, 3) if total else None


#: Every scorecard score: name -> (definition for the README, function of (turns, call, flags)).
SCORES: dict[str, tuple[str, Callable[[list[LabelledTurn], Call, dict], object]]] = {
    "phases": ("agent turns per EODC phase (explore/offer/do/confirm/listen/other)",
               lambda t, c, f: _phase_counts(t)),
    "explore_before_act": ("an explore turn came before the first offer/do (null: no offer/do)",
                           lambda t, c, f: _explore_before_act(t)),
    "confirm_after_last_act": ("a confirm follows the last offer/do (null: no offer/do)",
                               lambda t, c, f: None if _count(t, AGENT, *_ACTS) == 0 else not f["no_confirm"]),
    "requirements": ("customer requirement turns", lambda t, c, f: _count(t, CUSTOMER, "requirement")),
    "needs_uncovered": ("customer need turns", lambda t, c, f: _count(t, CUSTOMER, "need")),
    "probes": ("agent explore.probe turns", lambda t, c, f: _count(t, AGENT, "explore.probe")),
    "probes_per_requirement": ("probes / requirements (null: no requirement)",
                               lambda t, c, f: _per_requirement(t, AGENT, "explore.probe")),
    "needs_per_requirement": ("needs / requirements (null: no requirement)",
                              lambda t, c, f: _per_requirement(t, CUSTOMER, "need")),
    "missed_probes": ("requirements flagged missed_probe", lambda t, c, f: len(f["missed_probe"])),
    "feelings": ("customer feeling turns", lambda t, c, f: _count(t, CUSTOMER, "feeling")),
    "missed_empathy": ("feelings flagged missed_empathy", lambda t, c, f: len(f["missed_empathy"])),
    "listening": ("agent listening turns by kind",
                  lambda t, c, f: {k: _count(t, AGENT, f"listen.{k}")
                                   for k in ("backchannel", "paraphrase", "empathy", "note")}),
    "agent_talk_share": ("agent share of speaking time (of characters when untimed)",
                         lambda t, c, f: _talk_share(t, c)),
    "interruptions": ("agent turns flagged as interruptions (null: untimed call)",
                      lambda t, c, f: len(f["interruptions"]) if c.turns and all(x.timed for x in c.turns) else None),
}


def scorecard(call: Call, flags: dict | None = None, source: str = "pred") -> dict:
    """The call's scorecard from its ``source`` labels (see :data:`SCORES`)."""
    turns = labelled_turns(call, source)
    flags = flags if flags is not None else compute_flags(turns)
    return {name: fn(turns, call, flags) for name, (_, fn) in SCORES.items()}
