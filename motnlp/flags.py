"""Call-level flags, exactly as ``mot-guidelines.md`` defines them.

Computed from a call's turn labels (gold ``label`` or predicted ``pred``), so that gold
flags in the corpus and predicted flags in annotated output come from one definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .calls import Call
from .labels import AGENT, CUSTOMER

__all__ = ["INTERRUPT_SECONDS", "LabelledTurn", "call_flags", "compute_flags", "labelled_turns"]

#: An agent turn starting more than this before the customer finished interrupts.
INTERRUPT_SECONDS = 0.5
_ACTS = ("offer", "do")


@dataclass(frozen=True)
class LabelledTurn:
    """The parts of a turn the flag rules read."""

    speaker: str
    label: str | None
    start: float | None = None
    end: float | None = None


def labelled_turns(call: Call, source: str = "label") -> list[LabelledTurn]:
    """The call's turns with ``source`` (``"label"`` or ``"pred"``) as their label."""
    return [LabelledTurn(t.speaker, getattr(t, source), t.start, t.end) for t in call.turns]


def _is(turn: LabelledTurn, speaker: str, *labels: str) -> bool:
    return turn.speaker == speaker and turn.label in labels


def missed_probe(turns: Sequence[LabelledTurn]) -> list[int]:
    """Requirement turns acted on (offer/do) with no probe or need in their window."""
    flagged: list[int] = []
    previous_req = -1
    for i, turn in enumerate(turns):
        if not _is(turn, CUSTOMER, "requirement"):
            continue
        j = next((k for k in range(i + 1, len(turns)) if _is(turns[k], AGENT, *_ACTS)), None)
        if j is not None:
            window = turns[previous_req + 1 : j]
            grounded = any(_is(t, AGENT, "explore.probe") or _is(t, CUSTOMER, "need") for t in window)
            if not grounded:
                flagged.append(i)
        previous_req = i
    return flagged


def no_confirm(turns: Sequence[LabelledTurn]) -> bool:
    """True when the agent offered/did something and never confirmed after the last."""
    acts = [i for i, t in enumerate(turns) if _is(t, AGENT, *_ACTS)]
    if not acts:
        return False
    return not any(_is(t, AGENT, "confirm") for t in turns[acts[-1] + 1 :])


def missed_empathy(turns: Sequence[LabelledTurn]) -> list[int]:
    """Feeling turns not answered with empathy in either of the next two agent turns."""
    flagged = []
    for i, turn in enumerate(turns):
        if not _is(turn, CUSTOMER, "feeling"):
            continue
        replies = [t for t in turns[i + 1 :] if t.speaker == AGENT][:2]
        if not any(t.label == "listen.empathy" for t in replies):
            flagged.append(i)
    return flagged


def interruptions(turns: Sequence[LabelledTurn]) -> list[int]:
    """Agent turns starting > 0.5 s before the end of the latest customer turn before them."""
    flagged = []
    last_customer: LabelledTurn | None = None
    for i, turn in enumerate(turns):
        if turn.speaker == CUSTOMER:
            last_customer = turn
            continue
        if (last_customer is not None and turn.start is not None and last_customer.end is not None
                and turn.start < last_customer.end - INTERRUPT_SECONDS):
            flagged.append(i)
    return flagged


def compute_flags(turns: Sequence[LabelledTurn]) -> dict:
    """The contract's ``flags`` object for one call."""
    return {
        "missed_probe": missed_probe(turns),
        "no_confirm": no_confirm(turns),
        "missed_empathy": missed_empathy(turns),
        "interruptions": interruptions(turns),
    }


def call_flags(call: Call, source: str = "label") -> dict:
    """Flags of ``call`` from its gold labels (``source="label"``) or predictions."""
    return compute_flags(labelled_turns(call, source))
