"""Round trips through labelling tools: export annotated calls as pre-annotated tasks,
import the labellers' work back as contract JSONL with gold labels.

The formats live in :mod:`motnlp.labelstudio` and :mod:`motnlp.doccano`; this module
holds what they share: label checks, the comparison with the original calls, and the
labelled copy of a call that an import writes.

Every problem in an import is a :class:`~motnlp.errors.MotnlpError` naming the file and
the item (task or line): an unknown label, a label from the other speaker's set, a turn
whose text no longer matches the call, a turn labelled twice, a turn left unlabelled.
Nothing is dropped silently.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from typing import Any

from .calls import Call
from .errors import E, MotnlpError
from .flags import call_flags
from .labels import AGENT, CUSTOMER, labels_for

__all__ = ["ANNOTATION_EXTRAS", "TOOLS", "check_label", "check_text", "export_calls", "import_file",
           "labelled_copy", "missing_turns", "original_call", "task_metadata"]

#: The tools ``motnlp export --to`` / ``motnlp import --from`` know.
TOOLS = ("label-studio", "doccano")

#: Per-call fields that ``motnlp annotate`` / ``motnlp select`` add; a labelled copy drops them.
ANNOTATION_EXTRAS = ("scorecard", "evidence", "model", "gold_flags", "active")


def task_metadata(call: Call) -> dict[str, Any]:
    """The call's fields without turns and without annotation output (for a task's data)."""
    data = call.to_dict()
    for key in ("turns", "flags", *ANNOTATION_EXTRAS):
        data.pop(key, None)
    return data


def check_label(label: Any, speaker: str, *, item: str, turn: int, path: str | None,
                line: int | None = None) -> str:
    """Return ``label`` if it belongs to ``speaker`` 's set; raise E027/E028 otherwise."""
    if isinstance(label, str) and label in labels_for(speaker):
        return label
    other = CUSTOMER if speaker == AGENT else AGENT
    if isinstance(label, str) and label in labels_for(other):
        raise MotnlpError(E.E028, path=path, line=line, item=item, label=label, other=other, turn=turn,
                          speaker=speaker)
    raise MotnlpError(E.E027, path=path, line=line, item=item, label=label, speaker=speaker,
                      choices=", ".join(labels_for(speaker)))


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def check_text(original: Call, index: int, speaker: str, text: str, *, item: str, path: str | None,
               line: int | None = None) -> None:
    """Raise E029 when turn ``index`` of ``original`` is not ``speaker`` saying ``text``."""
    if index >= len(original.turns):
        raise MotnlpError(E.E029, path=path, line=line, item=item, turn=index, call_id=original.call_id,
                          detail=f"the call has only {len(original.turns)} turns")
    turn = original.turns[index]
    if turn.speaker != speaker:
        raise MotnlpError(E.E029, path=path, line=line, item=item, turn=index, call_id=original.call_id,
                          detail=f"speaker is {turn.speaker}, the export says {speaker}")
    if turn.text.strip() != text.strip():
        raise MotnlpError(E.E029, path=path, line=line, item=item, turn=index, call_id=original.call_id,
                          detail=f"export has {_short(text)!r}, call has {_short(turn.text)!r}")


def original_call(originals: Mapping[str, Call], call_id: str,
                  turns: Iterable[tuple[int, str, str, tuple[str, int | None]]], n_turns: int, *,
                  path: str | None, item: str, line: int | None = None) -> Call:
    """The original of an exported call, once the export is checked against it.

    ``turns`` gives each exported turn as ``(index, speaker, text, (item, line))``, the
    last pair naming where that turn is in the export. Raises E032 when ``call_id`` is not
    among ``originals`` and E029 when a turn's speaker or text, or the number of turns,
    differs from the original.
    """
    if call_id not in originals:
        raise MotnlpError(E.E032, path=path, line=line, item=item, call_id=call_id)
    original = originals[call_id]
    for index, speaker, text, (turn_item, turn_line) in turns:
        check_text(original, index, speaker, text, item=turn_item, path=path, line=turn_line)
    if len(original.turns) != n_turns:
        raise MotnlpError(E.E029, path=path, line=line, item=item, turn=n_turns, call_id=call_id,
                          detail=f"the export has {n_turns} turns, the call {len(original.turns)}")
    return original


def missing_turns(n_turns: int, labels: Mapping[int, str]) -> str:
    """The unlabelled turn indices as ``"2, 5-7"`` (empty when none)."""
    missing = [i for i in range(n_turns) if i not in labels]
    runs: list[str] = []
    start = prev = None
    for i in [*missing, None]:
        if i is not None and prev is not None and i == prev + 1:
            prev = i
            continue
        if start is not None:
            runs.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = i
    return ", ".join(runs)


def labelled_copy(call: Call, labels: Mapping[int, str]) -> Call:
    """A copy of ``call`` with gold ``labels`` set, predictions and annotation output removed.

    Gold ``flags`` are recomputed from the labels when every turn is labelled, and
    dropped otherwise (they would describe labels that are no longer there).
    """
    out = copy.deepcopy(call)
    for i, turn in enumerate(out.turns):
        turn.pred = turn.confidence = None
        if i in labels:
            turn.label = labels[i]
    for key in ANNOTATION_EXTRAS:
        out.extra.pop(key, None)
    out.flags = call_flags(out) if all(t.label for t in out.turns) else None
    return out


def export_calls(calls: Iterable[Call], tool: str) -> str:
    """The text of a task file for ``tool`` (Label Studio JSON or doccano JSONL)."""
    if tool == "label-studio":
        from .labelstudio import to_tasks

        return json.dumps(to_tasks(calls), ensure_ascii=False, indent=1) + "\n"
    if tool == "doccano":
        from .doccano import to_lines

        return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in to_lines(calls))
    raise MotnlpError(E.E009, fmt=tool, choices=", ".join(TOOLS))


def import_file(path: str, tool: str, originals: Mapping[str, Call] | None = None, *,
                allow_unlabelled: bool = False, skipped: list[str] | None = None) -> list[Call]:
    """Read a labelling tool's export at ``path`` and return the labelled calls.

    Parameters
    ----------
    path : str
        The export file.
    tool : {"label-studio", "doccano"}
    originals : mapping of call id to Call, optional
        The calls that were exported; the export's texts must still match them, and the
        output keeps all their fields. Without it the calls are rebuilt from the export.
    allow_unlabelled : bool
        Skip calls nobody labelled (each one is named in ``skipped``) instead of failing.
    skipped : list of str, optional
        Receives one line per call skipped.
    """
    from .io.source import read_text

    text = read_text(path, None)
    if tool == "label-studio":
        from .labelstudio import from_export
    elif tool == "doccano":
        from .doccano import from_export
    else:
        raise MotnlpError(E.E009, fmt=tool, choices=", ".join(TOOLS))
    return from_export(text, path, originals, allow_unlabelled=allow_unlabelled,
                       skipped=skipped if skipped is not None else [])
