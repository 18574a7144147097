"""The data model: a :class:`Call` with its :class:`Turn` s.

Both round-trip the contract's JSONL losslessly: fields the model does not know are
kept in ``extra`` and written back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

from .errors import E, MotnlpError
from .labels import SPEAKERS

__all__ = ["Call", "Turn", "chunked"]

_T = TypeVar("_T")

_TURN_KEYS = ("speaker", "text", "start", "end", "label", "pred", "confidence")
_CALL_KEYS = ("call_id", "agent_id", "lang", "started_at", "domain", "turns", "flags")


@dataclass
class Turn:
    """One contiguous stretch of one speaker."""

    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    label: str | None = None
    pred: str | None = None
    confidence: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, index: int = 0) -> Turn:
        """Build a turn from a contract JSON object (``index`` is used in errors)."""
        if not isinstance(data, dict):
            raise MotnlpError(E.E013, field=f"turns[{index}]", kind="an object")
        for key in ("speaker", "text"):
            if key not in data:
                raise MotnlpError(E.E005, field=f"turns[{index}].{key}")
        if data["speaker"] not in SPEAKERS:
            raise MotnlpError(E.E006, speaker=data["speaker"])
        if not isinstance(data["text"], str):
            raise MotnlpError(E.E013, field=f"turns[{index}].text", kind="a string")
        for key in ("start", "end", "confidence"):
            value = data.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise MotnlpError(E.E013, field=f"turns[{index}].{key}", kind="a number")
        for key in ("label", "pred"):
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise MotnlpError(E.E013, field=f"turns[{index}].{key}", kind="a string")
        return cls(
            speaker=data["speaker"],
            text=data["text"],
            start=data.get("start"),
            end=data.get("end"),
            label=data.get("label"),
            pred=data.get("pred"),
            confidence=data.get("confidence"),
            extra={k: v for k, v in data.items() if k not in _TURN_KEYS},
        )

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON object (``None`` fields omitted, extras kept)."""
        out: dict[str, Any] = {"speaker": self.speaker, "text": self.text}
        for key in _TURN_KEYS[2:]:
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out.update(self.extra)
        return out

    @property
    def timed(self) -> bool:
        """Whether the turn carries both ``start`` and ``end``."""
        return self.start is not None and self.end is not None


@dataclass
class Call:
    """A call: its id, turns and metadata.

    ``source`` is where the call was read from (``path``, ``line``); it is not
    written out.
    """

    call_id: str
    turns: list[Turn]
    agent_id: str | None = None
    lang: str | None = None
    started_at: str | None = None
    domain: str | None = None
    flags: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    source: tuple[str, int] | None = field(default=None, compare=False)

    @classmethod
    def from_dict(cls, data: Any, *, source: tuple[str, int] | None = None) -> Call:
        """Build a call from a contract JSON object; raise :class:`MotnlpError` if invalid."""
        if not isinstance(data, dict):
            raise MotnlpError(E.E004, kind=type(data).__name__)
        for key in ("call_id", "turns"):
            if key not in data:
                raise MotnlpError(E.E005, field=key)
        if not isinstance(data["turns"], list):
            raise MotnlpError(E.E013, field="turns", kind="a list")
        if not isinstance(data["call_id"], str | int) or isinstance(data["call_id"], bool):
            raise MotnlpError(E.E013, field="call_id", kind="a string")
        for key in ("agent_id", "lang", "started_at", "domain"):
            if data.get(key) is not None and not isinstance(data[key], str):
                raise MotnlpError(E.E013, field=key, kind="a string")
        if data.get("flags") is not None and not isinstance(data["flags"], dict):
            raise MotnlpError(E.E013, field="flags", kind="an object")
        turns = [Turn.from_dict(t, index=i) for i, t in enumerate(data["turns"])]
        return cls(
            call_id=str(data["call_id"]),
            turns=turns,
            agent_id=data.get("agent_id"),
            lang=data.get("lang"),
            started_at=data.get("started_at"),
            domain=data.get("domain"),
            flags=data.get("flags"),
            extra={k: v for k, v in data.items() if k not in _CALL_KEYS},
            source=source,
        )

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON object (``None`` fields omitted, extras kept)."""
        out: dict[str, Any] = {"call_id": self.call_id}
        for key in ("agent_id", "lang", "started_at", "domain"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["turns"] = [t.to_dict() for t in self.turns]
        if self.flags is not None:
            out["flags"] = self.flags
        out.update(self.extra)
        return out

    @property
    def where(self) -> str:
        """``path:line`` of the call's source, or its id."""
        return f"{self.source[0]}:{self.source[1]}" if self.source else self.call_id

    @property
    def style(self) -> str:
        """The corpus ``style`` field (``clean`` or ``asr``), ``clean`` when absent."""
        return str(self.extra.get("style", "clean"))


def chunked(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """``items`` in lists of ``size`` (the last one shorter), read lazily."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
