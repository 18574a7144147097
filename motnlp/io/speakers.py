"""Mapping speaker names to ``agent``/``customer`` and merging segments into turns."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import E, MotnlpError
from ..labels import AGENT, CUSTOMER

__all__ = ["Segment", "SpeakerMap", "join_text", "merge_segments"]

AGENT_NAMES = ("agent", "rep", "representative", "operator", "csr", "advisor", "staff",
               "坐席", "座席", "客服", "话务员", "話務員", "客服人员", "human_agent",
               "automated_agent", "any_agent")
CUSTOMER_NAMES = ("customer", "caller", "client", "user", "end_user", "客户", "客戶",
                  "用户", "用戶", "顾客", "顧客", "来电人", "來電人")

#: Names that diarization produces; mapped by order of first appearance.
_DIARIZED = re.compile(r"^(spk|speaker|ch|channel|spk_|s)[ _\-]?\d+$", re.IGNORECASE)


@dataclass
class Segment:
    """A piece of speech by one named speaker, before mapping and merging."""

    speaker: str
    text: str
    start: float | None = None
    end: float | None = None


class SpeakerMap:
    """Maps raw speaker names to ``agent``/``customer``.

    Known role names (Agent, 坐席, 客服, Customer, 客户, 用户, AGENT/CUSTOMER roles, ...)
    map by name, case-insensitively. Diarization labels (``spk_0``, ``SPEAKER_01``,
    ``ch_0``) map by order of first appearance within a call: the first to speak is the
    agent (call-centre agents open the call), the second the customer. Explicit
    ``mapping`` entries win over both.

    Parameters
    ----------
    mapping : dict, optional
        ``{raw_name: "agent" | "customer"}``.
    """

    def __init__(self, mapping: dict[str, str] | None = None) -> None:
        self.mapping = {k.strip().lower(): v for k, v in (mapping or {}).items()}

    @classmethod
    def parse(cls, spec: str | None) -> SpeakerMap:
        """Parse ``"spk_0=agent,spk_1=customer"`` (the ``--speakers`` option)."""
        mapping: dict[str, str] = {}
        for item in (spec or "").split(","):
            if not item.strip():
                continue
            name, _, role = item.partition("=")
            role = role.strip().lower()
            if not name.strip() or role not in (AGENT, CUSTOMER):
                raise MotnlpError(E.E014, item=item)
            mapping[name.strip()] = role
        return cls(mapping)

    def resolver(self):
        """A per-call function ``raw name -> role`` (diarized order is per call)."""
        seen: dict[str, str] = {}

        def resolve(raw: str) -> str:
            key = str(raw).strip().lower()
            if key in self.mapping:
                return self.mapping[key]
            if key in AGENT_NAMES:
                return AGENT
            if key in CUSTOMER_NAMES:
                return CUSTOMER
            if _DIARIZED.match(key):
                if key not in seen:
                    if len(seen) >= 2:
                        raise MotnlpError(E.E006, speaker=str(raw))
                    seen[key] = AGENT if not seen else CUSTOMER
                return seen[key]
            raise MotnlpError(E.E006, speaker=str(raw))

        return resolve


_CJK_END = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def join_text(left: str, right: str) -> str:
    """Join two pieces of one speaker's speech: no space between Chinese pieces."""
    left, right = left.strip(), right.strip()
    if not left or not right:
        return left or right
    if _CJK_END.search(left) and _CJK_START.search(right):
        return left + right
    return f"{left} {right}"


def merge_segments(segments: Iterable[Segment], resolve) -> list[dict]:
    """Map speakers and merge consecutive segments of one speaker into turn dicts.

    A merged turn keeps the first segment's start and the last segment's end.
    Segments with empty text are skipped (silence markers carry no speech).
    """
    turns: list[dict] = []
    for seg in segments:
        if not seg.text.strip():
            continue
        role = resolve(seg.speaker)
        if turns and turns[-1]["speaker"] == role:
            last = turns[-1]
            last["text"] = join_text(last["text"], seg.text)
            if seg.end is not None:
                last["end"] = seg.end
            continue
        turn = {"speaker": role, "text": seg.text.strip()}
        if seg.start is not None:
            turn["start"] = seg.start
        if seg.end is not None:
            turn["end"] = seg.end
        turns.append(turn)
    return turns
