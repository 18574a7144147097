"""Reading a file's bytes into text, with clear errors for encoding problems."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import E, MotnlpError

__all__ = ["MAX_TURN_BYTES", "check_turn_sizes", "decode", "read_text"]

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


def read_text(path: str, encoding: str | None = None) -> str:
    """Read and decode a file, ``-`` meaning standard input."""
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise MotnlpError(E.E011, path=path) from None
        except IsADirectoryError:
            raise MotnlpError(E.E013, path=path, field=path, kind="a file") from None
    return decode(data, path, encoding)


def check_turn_sizes(texts: list[str], path: str, line: int | None) -> None:
    """Refuse a call with a turn over :data:`MAX_TURN_BYTES`."""
    for i, text in enumerate(texts):
        size = len(text.encode("utf-8"))
        if size > MAX_TURN_BYTES:
            raise MotnlpError(E.E008, path=path, line=line, turn=i, size=size, limit=MAX_TURN_BYTES)
