"""The io stage: read transcripts in any supported format, write contract JSONL.

>>> report = ReadReport()
>>> for call in read_calls(["calls.jsonl"], report=report): ...
>>> report.errors   # one MotnlpError per call or file that could not be read
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..calls import Call
from ..errors import E, MotnlpError
from ..normalize import detect_lang
from .asr import read_json
from .jsonl import read_jsonl, stream_jsonl
from .plain import read_csv, read_txt
from .source import read_text, streamable
from .speakers import SpeakerMap
from .subtitles import read_srt, read_vtt

__all__ = ["FORMATS", "ReadReport", "SpeakerMap", "atomic_writer", "dumps", "expand_inputs", "fill_lang",
           "read_calls", "read_file", "streams_jsonl", "write_jsonl"]

Reader = Callable[..., Iterator[Call | MotnlpError]]

#: Every input format, by the name ``--format`` takes.
FORMATS: dict[str, Reader] = {
    "jsonl": read_jsonl,
    "txt": read_txt,
    "csv": read_csv,
    "vtt": read_vtt,
    "srt": read_srt,
    "whisper": lambda text, path, **kw: read_json(text, path, flavour="whisper", **kw),
    "aws": lambda text, path, **kw: read_json(text, path, flavour="aws", **kw),
    "aws-analytics": lambda text, path, **kw: read_json(text, path, flavour="aws-analytics", **kw),
    "ccai": lambda text, path, **kw: read_json(text, path, flavour="ccai", **kw),
    "json": read_json,
}

_BY_SUFFIX = {".jsonl": "jsonl", ".ndjson": "jsonl", ".txt": "txt", ".text": "txt",
              ".csv": "csv", ".vtt": "vtt", ".srt": "srt", ".json": "json"}
_INPUT_SUFFIXES = tuple(_BY_SUFFIX)


@dataclass
class ReadReport:
    """What reading skipped, and why: one error per call or file not read."""

    calls: int = 0
    errors: list[MotnlpError] = field(default_factory=list)

    def summary(self) -> str:
        """One line: how many calls were read and how many skipped."""
        return f"{self.calls} call(s) read, {len(self.errors)} skipped"


def _guess_format(path: str, text: str) -> str:
    fmt = _BY_SUFFIX.get(Path(path).suffix.lower())
    if fmt == "json":
        stripped = text.lstrip()
        # a .json file holding one contract call per line is JSONL
        if stripped.startswith("{") and '"turns"' in stripped.split("\n", 1)[0]:
            return "jsonl"
        return "json"
    if fmt:
        return fmt
    head = text.lstrip()[:200]
    if head.startswith("WEBVTT"):
        return "vtt"
    if head.startswith("{"):
        first = text.lstrip().split("\n", 1)[0]
        try:
            return "jsonl" if "turns" in json.loads(first) else "json"
        except (json.JSONDecodeError, TypeError):
            return "json"
    raise MotnlpError(E.E010, path=path, choices=", ".join(FORMATS))


def streams_jsonl(path: str, fmt: str | None = None, encoding: str | None = None) -> bool:
    """Whether ``path`` is read as contract JSONL one line at a time."""
    return (fmt or _BY_SUFFIX.get(Path(path).suffix.lower())) == "jsonl" and streamable(encoding)


def read_file(path: str, *, fmt: str | None = None, speakers: SpeakerMap | None = None,
              encoding: str | None = None) -> Iterator[Call | MotnlpError]:
    """Yield the calls in one file, or an error for each call (or the file) not read.

    ``lang`` is detected and filled in for calls that lack it.
    """
    if fmt is not None and fmt not in FORMATS:
        yield MotnlpError(E.E009, fmt=fmt, choices=", ".join(FORMATS))
        return
    if streams_jsonl(path, fmt, encoding):
        items: Iterable[Call | MotnlpError] = stream_jsonl(path, encoding)
    else:
        try:
            text = read_text(path, encoding)
            fmt = fmt or _guess_format(path, text)
        except MotnlpError as exc:
            yield exc
            return
        items = FORMATS[fmt](text, path, speakers=speakers or SpeakerMap())
    for item in items:
        yield fill_lang(item) if isinstance(item, Call) else item


def fill_lang(call: Call) -> Call:
    """``call`` with its ``lang`` detected from the turns' text when the input gave none."""
    if call.lang is None:
        call.lang = detect_lang(t.text for t in call.turns)
    return call


def expand_inputs(inputs: Iterable[str], fmt: str | None = None) -> list[str]:
    """Expand directories (recursively, sorted) and keep files.

    A directory contributes the files with a transcript suffix, or with the suffixes
    of ``fmt`` when a format is given (so ``corpus/`` with ``fmt="jsonl"`` skips
    ``splits.json``).
    """
    if fmt is None:
        suffixes = _INPUT_SUFFIXES
    else:
        wanted = "json" if fmt in ("whisper", "aws", "aws-analytics", "ccai") else fmt
        suffixes = tuple(s for s, f in _BY_SUFFIX.items() if f == wanted)
    paths: list[str] = []
    for item in inputs:
        if item != "-" and Path(item).is_dir():
            paths += sorted(str(p) for p in Path(item).rglob("*")
                            if p.is_file() and p.suffix.lower() in suffixes)
        else:
            paths.append(item)
    return paths


def read_calls(inputs: Iterable[str], *, fmt: str | None = None, speakers: SpeakerMap | None = None,
               encoding: str | None = None, report: ReadReport | None = None) -> Iterator[Call]:
    """Yield every readable call in ``inputs`` (files, directories, ``-``).

    Calls that cannot be read are recorded in ``report.errors`` and skipped; one bad
    call never stops the others.
    """
    report = report if report is not None else ReadReport()
    for path in expand_inputs(inputs, fmt):
        for item in read_file(path, fmt=fmt, speakers=speakers, encoding=encoding):
            if isinstance(item, MotnlpError):
                report.errors.append(item)
            else:
                report.calls += 1
                yield item


@contextmanager
def atomic_writer(path: str) -> Iterator[IO[str]]:
    """Open ``path`` for writing via a temporary file renamed into place on success.

    ``-`` writes to standard output. On an exception the temporary file is removed
    and ``path`` is left as it was.
    """
    if path == "-":
        import sys

        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dumps(call: Call) -> str:
    """One contract JSONL line for ``call`` (no newline)."""
    return json.dumps(call.to_dict(), ensure_ascii=False)


def write_jsonl(calls: Iterable[Call], path: str) -> int:
    """Write ``calls`` as contract JSONL to ``path`` atomically; return the count."""
    count = 0
    with atomic_writer(path) as handle:
        for call in calls:
            handle.write(dumps(call) + "\n")
            count += 1
    return count
