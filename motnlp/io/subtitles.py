"""WebVTT (webvtt-py) and SRT (srt) transcripts with speaker tags.

A cue names its speaker with a voice tag (``<v Agent>Hello``) or a prefix
(``Agent: Hello``). Consecutive cues of one speaker merge into one turn.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

from ..calls import Call
from ..errors import E, MotnlpError
from .source import check_turn_sizes
from .speakers import Segment, SpeakerMap, merge_segments

__all__ = ["read_srt", "read_vtt"]

_VOICE = re.compile(r"^\s*<v(?:\.[^\s>]+)*\s+([^>]+)>(.*?)(?:</v>)?\s*$", re.DOTALL)
_PREFIX = re.compile(r"^\s*([^:：\s<][^:：\n]{0,23}?)\s*[:：]\s*(.*)$", re.DOTALL)
_TAG = re.compile(r"</?[a-z][^>]*>", re.IGNORECASE)


def _speaker_and_text(raw: str, voice: str | None = None) -> tuple[str, str]:
    raw = raw.strip()
    match = _VOICE.match(raw)
    if match:
        voice, raw = match.group(1), match.group(2)
    elif voice is None:
        match = _PREFIX.match(raw)
        if match:
            voice, raw = match.group(1), match.group(2)
    text = " ".join(_TAG.sub("", raw).split())
    return (voice or "").strip(), text


def _call(path: str, segments: list[Segment], speakers: SpeakerMap) -> Call:
    for seg in segments:
        if not seg.speaker:
            raise MotnlpError(E.E006, path=path, line=None, speaker="(no speaker tag)")
    try:
        turns = merge_segments(segments, speakers.resolver())
    except MotnlpError as exc:
        exc.path = path
        raise
    if not turns:
        raise MotnlpError(E.E012, path=path)
    check_turn_sizes([t["text"] for t in turns], path, None)
    call_id = "stdin" if path == "-" else Path(path).stem
    return Call.from_dict({"call_id": call_id, "turns": turns}, source=(path, 1))


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return round(total, 3)


def read_vtt(text: str, path: str, speakers: SpeakerMap, **_: object) -> Iterator[Call | MotnlpError]:
    """Read a WebVTT file as one call."""
    import webvtt

    try:
        captions = webvtt.from_buffer(io.StringIO(text))
        segments = []
        for cap in captions:
            speaker, body = _speaker_and_text(cap.raw_text, getattr(cap, "voice", None))
            segments.append(Segment(speaker, body, _seconds(cap.start), _seconds(cap.end)))
    except (webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError, ValueError) as exc:
        yield MotnlpError(E.E026, path=path, fmt="WebVTT", detail=str(exc) or type(exc).__name__)
        return
    try:
        yield _call(path, segments, speakers)
    except MotnlpError as exc:
        yield exc


def read_srt(text: str, path: str, speakers: SpeakerMap, **_: object) -> Iterator[Call | MotnlpError]:
    """Read an SRT file as one call."""
    import srt

    try:
        subs = list(srt.parse(text))
    except (srt.SRTParseError, ValueError) as exc:
        yield MotnlpError(E.E026, path=path, fmt="SRT", detail=str(exc).splitlines()[0][:200])
        return
    segments = []
    for sub in subs:
        speaker, body = _speaker_and_text(sub.content)
        segments.append(Segment(speaker, body, round(sub.start.total_seconds(), 3),
                                round(sub.end.total_seconds(), 3)))
    try:
        yield _call(path, segments, speakers)
    except MotnlpError as exc:
        yield exc
