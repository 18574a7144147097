"""Speech-to-text service outputs: Whisper/WhisperX, AWS Transcribe, Google CCAI Insights.

Each file is one call. Diarized speaker names are mapped with a
:class:`~motnlp.io.speakers.SpeakerMap`; consecutive segments of one speaker merge.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..calls import Call
from ..errors import E, MotnlpError
from .source import check_turn_sizes
from .speakers import Segment, SpeakerMap, merge_segments

__all__ = ["detect_json_flavour", "read_json"]


def _num(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.rstrip("s")
    try:
        return round(float(value), 3)
    except (TypeError, ValueError):
        return None


def _whisper(data: dict) -> tuple[list[Segment], dict]:
    segments = []
    for seg in data["segments"]:
        speaker = seg.get("speaker")
        if speaker is None:
            raise MotnlpError(E.E005, field="segments[].speaker (run diarization first)")
        segments.append(Segment(str(speaker), str(seg.get("text", "")), _num(seg.get("start")),
                                _num(seg.get("end"))))
    lang = data.get("language")
    return segments, {"lang": lang[:2]} if isinstance(lang, str) and lang[:2] in ("zh", "en") else {}


def _aws_items(items: list[dict], owner_of) -> list[Segment]:
    """Turn AWS ``items`` (words and punctuation) into one segment per word."""
    segments: list[Segment] = []
    for item in items:
        content = item["alternatives"][0]["content"]
        if item.get("type") == "punctuation":
            if segments:
                segments[-1].text += content
            continue
        start, end = _num(item.get("start_time")), _num(item.get("end_time"))
        segments.append(Segment(owner_of(item, start), content, start, end))
    return segments


def _aws(data: dict) -> tuple[list[Segment], dict]:
    results = data["results"]
    if results.get("audio_segments"):
        segs = [Segment(str(s.get("speaker_label") or s.get("channel_label") or ""),
                        str(s.get("transcript", "")), _num(s.get("start_time")),
                        _num(s.get("end_time"))) for s in results["audio_segments"]]
    elif results.get("channel_labels"):
        segs = []
        for channel in results["channel_labels"]["channels"]:
            label = channel["channel_label"]
            segs += _aws_items(channel["items"], lambda item, start, label=label: label)
        segs.sort(key=lambda s: (s.start is None, s.start or 0.0))
    elif results.get("speaker_labels"):
        owners = {}
        for seg in results["speaker_labels"]["segments"]:
            for item in seg.get("items", []):
                owners[_num(item.get("start_time"))] = item["speaker_label"]
        segs = _aws_items(results["items"], lambda item, start: owners.get(start, item.get("speaker_label", "")))
    else:
        raise MotnlpError(E.E005, field="results.speaker_labels or results.channel_labels")
    code = str(data.get("results", {}).get("language_code") or data.get("language_code") or "")
    return segs, {"lang": code[:2]} if code[:2] in ("zh", "en") else {}


def _aws_analytics(data: dict) -> tuple[list[Segment], dict]:
    segs = [Segment(str(s.get("ParticipantRole", "")), str(s.get("Content", "")),
                    _num((s.get("BeginOffsetMillis") or 0) / 1000),
                    _num((s.get("EndOffsetMillis") or 0) / 1000)) for s in data["Transcript"]]
    code = str(data.get("LanguageCode") or "")
    return segs, {"lang": code[:2]} if code[:2] in ("zh", "en") else {}


def _ccai(data: dict) -> tuple[list[Segment], dict]:
    segs = []
    meta = data.get("callMetadata") or {}
    channels = {meta.get("agentChannel"): "agent", meta.get("customerChannel"): "customer"}
    for seg in data["transcript"]["transcriptSegments"]:
        role = (seg.get("segmentParticipant") or {}).get("role") or channels.get(seg.get("channelTag"), "")
        words = seg.get("words") or []
        start = _num(words[0].get("startOffset")) if words else None
        end = _num(words[-1].get("endOffset")) if words else None
        segs.append(Segment(str(role), str(seg.get("text", "")), start, end))
    code = str(data.get("languageCode") or "")
    extra: dict = {"lang": code[:2]} if code[:2] in ("zh", "en") else {}
    if data.get("agentId"):
        extra["agent_id"] = str(data["agentId"])
    return segs, extra


_FLAVOURS = {"whisper": _whisper, "aws": _aws, "aws-analytics": _aws_analytics, "ccai": _ccai}


def detect_json_flavour(data: Any) -> str | None:
    """Name the JSON flavour of a parsed document, or None when it is none of them."""
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("segments"), list):
        return "whisper"
    if isinstance(data.get("results"), dict):
        return "aws"
    if isinstance(data.get("Transcript"), list):
        return "aws-analytics"
    transcript = data.get("transcript")
    if isinstance(transcript, dict) and isinstance(transcript.get("transcriptSegments"), list):
        return "ccai"
    return None


def _call_id(data: dict, path: str) -> str:
    for key in ("call_id", "jobName", "JobName"):
        if isinstance(data.get(key), str) and data[key]:
            return data[key]
    name = data.get("name")
    if isinstance(name, str) and name:
        return name.rsplit("/", 1)[-1]
    return "stdin" if path == "-" else Path(path).stem


def read_json(text: str, path: str, speakers: SpeakerMap, flavour: str | None = None,
              **_: object) -> Iterator[Call | MotnlpError]:
    """Read one ASR JSON document (flavour detected unless given) as one call."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield MotnlpError(E.E003, path=path, line=exc.lineno, detail=exc.msg)
        return
    except RecursionError:
        yield MotnlpError(E.E003, path=path, line=1, detail="nested too deeply")
        return
    flavour = flavour or detect_json_flavour(data)
    if flavour not in _FLAVOURS:
        yield MotnlpError(E.E010, path=path, choices="whisper, aws, aws-analytics, ccai, jsonl")
        return
    try:
        segments, extra = _FLAVOURS[flavour](data)
        turns = merge_segments(segments, speakers.resolver())
        if not turns:
            raise MotnlpError(E.E012)
        check_turn_sizes([t["text"] for t in turns], path, None)
        yield Call.from_dict({"call_id": _call_id(data, path), **extra, "turns": turns}, source=(path, 1))
    except MotnlpError as exc:
        exc.path = path
        yield exc
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        yield MotnlpError(E.E026, path=path, fmt=flavour, detail=f"unexpected structure ({type(exc).__name__}: {exc})")

