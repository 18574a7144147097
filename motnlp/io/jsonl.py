"""The contract's JSONL format: one call per line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from ..calls import Call
from ..errors import E, MotnlpError
from .source import check_turn_sizes, iter_lines

__all__ = ["parse_call_line", "read_jsonl", "stream_jsonl"]


def parse_call_line(line: str, path: str, lineno: int) -> Call:
    """Parse one JSONL line into a :class:`Call`, errors located at ``path:lineno``."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise MotnlpError(E.E003, path=path, line=lineno, detail=exc.msg) from None
    except RecursionError:
        raise MotnlpError(E.E003, path=path, line=lineno, detail="nested too deeply") from None
    try:
        call = Call.from_dict(data, source=(path, lineno))
        check_turn_sizes([t.text for t in call.turns], path, lineno)
    except MotnlpError as exc:
        exc.path, exc.line = path, lineno
        raise
    return call


def _calls_from_lines(lines: Iterable[tuple[int, str]], path: str) -> Iterator[Call | MotnlpError]:
    for lineno, line in lines:
        if not line.strip():
            continue
        try:
            yield parse_call_line(line, path, lineno)
        except MotnlpError as exc:
            yield exc


def read_jsonl(text: str, path: str, **_: object) -> Iterator[Call | MotnlpError]:
    """Yield each line's call, or the error that line has (the others still read)."""
    yield from _calls_from_lines(enumerate(text.split("\n"), 1), path)


def stream_jsonl(path: str, encoding: str | None = None) -> Iterator[Call | MotnlpError]:
    """Like :func:`read_jsonl`, reading the file line by line (memory does not grow with it)."""
    try:
        yield from _calls_from_lines(iter_lines(path, encoding), path)
    except MotnlpError as exc:  # the file itself: missing, empty or undecodable from some line on
        yield exc
