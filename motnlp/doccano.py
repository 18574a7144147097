"""doccano: one text-classification example per turn, out and back in.

Export (doccano's JSONL import for a *Text Classification* project): one line per turn,
``text`` and a ``label`` list holding the model's prediction as pre-annotation, and the
metadata that puts the turn back in its call::

    {"text": "Which account is it?", "label": ["explore.clarify"], "call_id": "c1", "turn": 2,
     "n_turns": 6, "speaker": "agent", "context": "customer: You charged me twice.", "call": {...}}

doccano keeps unknown keys as metadata and writes them back on export (JSONL or JSON),
with its own ``id``, the ``label`` list and ``Comments``. Older exports that nest the
metadata under ``meta`` or name the text ``data`` are read too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .annotation_tools import check_label, labelled_copy, missing_turns, original_call, task_metadata
from .calls import Call
from .errors import E, MotnlpError

__all__ = ["from_export", "to_lines"]


def to_lines(calls: Iterable[Call]) -> Iterator[dict[str, Any]]:
    """doccano import lines, one per turn, with the prediction as the pre-annotated label."""
    for call in calls:
        meta = task_metadata(call)
        meta.pop("call_id", None)
        for i, turn in enumerate(call.turns):
            line: dict[str, Any] = {"text": turn.text, "label": [turn.pred] if turn.pred else [],
                                    "call_id": call.call_id, "turn": i, "n_turns": len(call.turns),
                                    "speaker": turn.speaker}
            if i:
                prev = call.turns[i - 1]
                line["context"] = f"{prev.speaker}: {prev.text}"
            if turn.confidence is not None:
                line["confidence"] = turn.confidence
            line["call"] = meta
            yield line


def _records(text: str, path: str) -> Iterator[tuple[int | None, Any]]:
    """``(line, record)`` for a JSONL export, ``(None, record)`` for a JSON list export."""
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MotnlpError(E.E003, path=path, line=exc.lineno, detail=exc.msg) from None
        yield from ((None, item) for item in items)
        return
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw)
        except json.JSONDecodeError as exc:
            raise MotnlpError(E.E003, path=path, line=number, detail=exc.msg) from None


def _fields(record: Any, path: str, line: int | None, item: str) -> dict[str, Any]:
    """The record with doccano's nested ``meta`` flattened and ``data`` read as ``text``."""
    if not isinstance(record, dict):
        raise MotnlpError(E.E026, path=path, line=line, fmt="doccano export", detail=f"{item} is not an object")
    fields = {**(record.get("meta") if isinstance(record.get("meta"), dict) else {}), **record}
    if "text" not in fields and isinstance(fields.get("data"), str):
        fields["text"] = fields["data"]
    for key, kind in (("call_id", (str, int)), ("turn", int), ("n_turns", int), ("speaker", str), ("text", str)):
        if not isinstance(fields.get(key), kind) or isinstance(fields.get(key), bool):
            raise MotnlpError(E.E026, path=path, line=line, fmt="doccano export",
                              detail=f"{item} has no valid {key!r} (was it exported from motnlp?)")
    if not isinstance(fields.get("label", []), list):
        raise MotnlpError(E.E013, path=path, line=line, field="label", kind="a list")
    return fields


class _Assembler:
    """Collects one call's turns from its lines."""

    def __init__(self, fields: dict[str, Any], line: int | None) -> None:
        self.call_id = str(fields["call_id"])
        self.n_turns = fields["n_turns"]
        self.meta = fields.get("call") if isinstance(fields.get("call"), dict) else {}
        self.turns: dict[int, tuple[str, str]] = {}
        self.labels: dict[int, str] = {}
        self.where: dict[int, int | None] = {}
        self.first_line = line

    def call(self) -> Call:
        turns = [{"speaker": s, "text": t} for _, (s, t) in sorted(self.turns.items())]
        return Call.from_dict({**self.meta, "call_id": self.call_id, "turns": turns})


def _add(calls: dict[str, _Assembler], fields: dict[str, Any], path: str, line: int | None, item: str) -> None:
    call = calls.setdefault(str(fields["call_id"]), _Assembler(fields, line))
    index = fields["turn"]
    if fields["n_turns"] != call.n_turns or not 0 <= index < call.n_turns:
        raise MotnlpError(E.E026, path=path, line=line, fmt="doccano export",
                          detail=f"{item}: turn {index} of {fields['n_turns']} does not fit call {call.call_id!r}, "
                                 f"which has {call.n_turns} turns")
    labels = fields.get("label", [])
    if index in call.turns:
        raise MotnlpError(E.E030, path=path, line=line, item=item, turn=index, call_id=call.call_id,
                          detail=f"it is also on line {call.where[index]}")
    if len(labels) > 1:
        raise MotnlpError(E.E030, path=path, line=line, item=item, turn=index, call_id=call.call_id,
                          detail="labels " + ", ".join(map(str, labels)))
    call.turns[index] = (fields["speaker"], fields["text"])
    call.where[index] = line
    if labels:
        call.labels[index] = check_label(labels[0], fields["speaker"], item=item, turn=index, path=path, line=line)


def _finish(call: _Assembler, path: str, originals: Mapping[str, Call] | None,
            allow_unlabelled: bool, skipped: list[str]) -> Call | None:
    item = "doccano export"
    if gaps := missing_turns(call.n_turns, call.turns):
        raise MotnlpError(E.E031, path=path, line=call.first_line, item=item, call_id=call.call_id,
                          turns=f"{gaps} (no line for them in the export)")
    base = call.call()
    if originals is not None:
        turns = [(i, speaker, text, (f"line {call.where[i]}", call.where[i]))
                 for i, (speaker, text) in sorted(call.turns.items())]
        base = original_call(originals, call.call_id, turns, call.n_turns, path=path, item=item,
                             line=call.first_line)
    if not call.labels and allow_unlabelled:
        skipped.append(f"{path}: call {call.call_id}: no turn labelled, skipped")
        return None
    if gaps := missing_turns(call.n_turns, call.labels):
        raise MotnlpError(E.E031, path=path, line=call.first_line, item=item, call_id=call.call_id, turns=gaps)
    return labelled_copy(base, call.labels)


def from_export(text: str, path: str, originals: Mapping[str, Call] | None = None, *,
                allow_unlabelled: bool = False, skipped: list[str] | None = None) -> list[Call]:
    """The labelled calls in a doccano export (see :func:`motnlp.annotation_tools.import_file`)."""
    calls: dict[str, _Assembler] = {}
    for position, (line, record) in enumerate(_records(text, path)):
        item = f"line {line}" if line is not None else f"item #{position + 1}"
        _add(calls, _fields(record, path, line, item), path, line, item)
    out = [_finish(c, path, originals, allow_unlabelled, skipped if skipped is not None else [])
           for c in calls.values()]
    return [c for c in out if c is not None]
