"""Plain-text (``Agent: ...`` lines) and CSV transcripts."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from ..calls import Call
from ..errors import E, MotnlpError
from .source import check_turn_sizes
from .speakers import SpeakerMap

__all__ = ["read_csv", "read_txt"]

_PREFIX = re.compile(r"^\s*([^:：\s][^:：]{0,23}?)\s*[:：]\s*(.*)$")
_HEADER = re.compile(r"^###\s*(\S.*?)\s*$")


def _stem(path: str) -> str:
    return "stdin" if path == "-" else Path(path).stem


def _blocks(text: str, path: str) -> Iterator[tuple[str, int, list[tuple[int, str]]]]:
    """Split a text file into ``(call_id, first line, [(lineno, line)])`` blocks."""
    call_id, start, lines = _stem(path), 1, []
    for lineno, line in enumerate(text.split("\n"), 1):
        header = _HEADER.match(line)
        if header:
            if any(s.strip() for _, s in lines):
                yield call_id, start, lines
            call_id, start, lines = header.group(1), lineno, []
        else:
            lines.append((lineno, line))
    if any(s.strip() for _, s in lines):
        yield call_id, start, lines


def _txt_call(call_id: str, start: int, lines: list[tuple[int, str]], path: str,
              speakers: SpeakerMap) -> Call:
    resolve = speakers.resolver()
    turns: list[dict] = []
    for lineno, line in lines:
        if not line.strip():
            continue
        match = _PREFIX.match(line)
        try:
            role = resolve(match.group(1)) if match else None
        except MotnlpError as exc:
            raise MotnlpError(exc.code, path=path, line=lineno, speaker=match.group(1)) from None
        if role is None:
            if not turns:
                raise MotnlpError(E.E017, path=path, line=lineno)
            turns[-1]["text"] += " " + line.strip()  # a wrapped line continues the turn
            continue
        if not match.group(2).strip():
            raise MotnlpError(E.E007, path=path, line=lineno, turn=len(turns))
        turns.append({"speaker": role, "text": match.group(2).strip()})
    check_turn_sizes([t["text"] for t in turns], path, start)
    return Call.from_dict({"call_id": call_id, "turns": turns}, source=(path, start))


def read_txt(text: str, path: str, speakers: SpeakerMap, **_: object) -> Iterator[Call | MotnlpError]:
    """Read ``Agent:``/``Customer:``/``坐席:``/``客户:`` lines.

    One call per file (its id is the file name), or several calls each headed by a
    ``### call_id`` line. A line without a prefix continues the previous turn.
    """
    for call_id, start, lines in _blocks(text, path):
        try:
            yield _txt_call(call_id, start, lines, path, speakers)
        except MotnlpError as exc:
            yield exc


_CSV_REQUIRED = ("call_id", "turn", "speaker", "text")


def _csv_float(value: str | None, column: str, path: str, line: int) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise MotnlpError(E.E013, path=path, line=line, field=column, kind="a number") from None


def _csv_turn(row: dict, path: str, line: int, resolve) -> tuple[float, dict]:
    try:
        role = resolve(row["speaker"] or "")
    except MotnlpError as exc:
        raise MotnlpError(exc.code, path=path, line=line, speaker=row["speaker"]) from None
    if not (row["text"] or "").strip():
        raise MotnlpError(E.E007, path=path, line=line, turn=row["turn"])
    order = _csv_float(row["turn"], "turn", path, line)
    turn: dict = {"speaker": role, "text": row["text"].strip()}
    for key in ("start", "end"):
        value = _csv_float(row.get(key), key, path, line)
        if value is not None:
            turn[key] = value
    if (row.get("label") or "").strip():
        turn["label"] = row["label"].strip()
    return (order if order is not None else 0.0), turn


def read_csv(text: str, path: str, speakers: SpeakerMap, **_: object) -> Iterator[Call | MotnlpError]:
    """Read ``call_id, turn, speaker, text[, start, end, label]`` rows, grouped by call.

    A bad row rejects its call (reported at the row's line); other calls still read.
    """
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in _CSV_REQUIRED if c not in columns]
    if missing:
        yield MotnlpError(E.E016, path=path, line=1, columns=", ".join(missing))
        return
    reader.fieldnames = columns
    calls: dict[str, dict] = {}
    for row in reader:
        line = reader.line_num
        cid = (row["call_id"] or "").strip()
        entry = calls.setdefault(cid, {"line": line, "turns": [], "error": None,
                                       "resolve": speakers.resolver()})
        if entry["error"] is not None:
            continue
        try:
            entry["turns"].append(_csv_turn(row, path, line, entry["resolve"]))
        except MotnlpError as exc:
            entry["error"] = exc
    for cid, entry in calls.items():
        if entry["error"] is not None:
            yield entry["error"]
            continue
        turns = [t for _, t in sorted(entry["turns"], key=lambda pair: pair[0])]
        try:
            check_turn_sizes([t["text"] for t in turns], path, entry["line"])
            yield Call.from_dict({"call_id": cid, "turns": turns}, source=(path, entry["line"]))
        except MotnlpError as exc:
            exc.path, exc.line = path, entry["line"]
            yield exc
