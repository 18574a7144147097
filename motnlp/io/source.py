"""Reading a file's bytes into text, with clear errors for encoding problems."""

from __future__ import annotations

import codecs
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from ..errors import E, MotnlpError

__all__ = ["MAX_TURN_BYTES", "check_turn_sizes", "decode", "iter_lines", "read_text"]

#: A single turn longer than this is refused (a transcript turn is never this long;
#: a file that has one is almost always a concatenation or binary garbage).
MAX_TURN_BYTES = 1_000_000


def decode(data: bytes, path: str, encoding: str | None = None) -> str:
    """Decode ``data`` (UTF-8 by default, BOM stripped, CRLF → LF).

    Raises
    ------
    MotnlpError
        E001 for an empty file, E002 for bytes that are not UTF-8 (naming the likely
        encoding, e.g. GBK for Chinese).
    """
    if not data.strip():
        raise MotnlpError(E.E001, path=path)
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise MotnlpError(E.E002, path=path, detail=str(exc), guess="utf-8") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise MotnlpError(
                E.E002, path=path, line=line, detail=exc.reason, guess=_guess(data)
            ) from None
    text = text.lstrip("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _guess(data: bytes) -> str:
    """Name the legacy encoding ``data`` most likely is in."""
    for candidate in ("gb18030", "big5", "utf-16"):
        try:
            data.decode(candidate)
        except UnicodeDecodeError:
            continue
        return "gbk" if candidate == "gb18030" else candidate
    return "latin-1"


@contextmanager
def _open_bytes(path: str) -> Iterator[BinaryIO]:
    """The file as bytes, ``-`` meaning standard input (which is left open)."""
    if path == "-":
        yield sys.stdin.buffer
        return
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        raise MotnlpError(E.E011, path=path) from None
    except IsADirectoryError:
        raise MotnlpError(E.E013, path=path, field=path, kind="a file") from None
    with handle:
        yield handle


def read_text(path: str, encoding: str | None = None) -> str:
    """Read and decode a file, ``-`` meaning standard input."""
    with _open_bytes(path) as handle:
        data = handle.read()
    return decode(data, path, encoding)


def streamable(encoding: str | None) -> bool:
    """Whether a file in ``encoding`` can be split into lines on its ``\\n`` bytes."""
    if encoding is None:
        return True
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return not name.startswith(("utf-16", "utf-32"))


def iter_lines(path: str, encoding: str | None = None) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, text)`` of a file one line at a time (constant memory).

    Same rules as :func:`decode` (BOM stripped, CR/CRLF are line ends, E001 for an
    empty file, E002 naming the line and the likely encoding); the lines before an
    undecodable one are still yielded.
    """
    codec = encoding or "utf-8"
    lineno, seen = 0, False
    with _open_bytes(path) as handle:
        for raw in handle:
            try:
                text = raw.decode(codec)
            except (UnicodeDecodeError, LookupError) as exc:
                guess = _guess(raw) if encoding is None else "utf-8"
                raise MotnlpError(E.E002, path=path, line=lineno + 1, detail=str(getattr(exc, "reason", exc)),
                                  guess=guess) from None
            if lineno == 0:
                text = text.lstrip("\ufeff")
            for part in text.removesuffix("\n").removesuffix("\r").split("\r"):
                lineno += 1
                seen = seen or bool(part.strip())
                yield lineno, part
    if not seen:
        raise MotnlpError(E.E001, path=path)


def check_turn_sizes(texts: list[str], path: str, line: int | None) -> None:
    """Refuse a call with a turn over :data:`MAX_TURN_BYTES`."""
    for i, text in enumerate(texts):
        size = len(text.encode("utf-8"))
        if size > MAX_TURN_BYTES:
            raise MotnlpError(E.E008, path=path, line=line, turn=i, size=size, limit=MAX_TURN_BYTES)
