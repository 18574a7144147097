"""Property tests: any bytes or JSON shape given to any reader gives calls or a clean error."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motnlp.calls import Call
from motnlp.errors import MotnlpError
from motnlp.io import FORMATS, read_file

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(
        st.sampled_from(["call_id", "turns", "speaker", "text", "segments", "results", "Transcript",
                         "transcript", "transcriptSegments", "start", "end", "label", "items", "speaker_labels",
                         "audio_segments", "channel_labels", "channels", "ParticipantRole", "Content",
                         "segmentParticipant", "role", "words", "alternatives", "content", "x"]),
        children, max_size=6),
    max_leaves=30)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check(path, fmt) -> None:
    for item in read_file(str(path), fmt=fmt):
        assert isinstance(item, Call | MotnlpError)
        if isinstance(item, MotnlpError):
            assert item.one_line()


@SETTINGS
@given(data=st.binary(max_size=400), fmt=st.sampled_from(sorted(FORMATS)))
def test_arbitrary_bytes_never_crash_a_reader(tmp_path, data, fmt) -> None:
    path = tmp_path / "in.bin"
    path.write_bytes(data)
    _check(path, fmt)


@SETTINGS
@given(doc=JSON, fmt=st.sampled_from(["jsonl", "json", "whisper", "aws", "aws-analytics", "ccai"]))
def test_arbitrary_json_shapes_never_crash_a_reader(tmp_path, doc, fmt) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc))
    _check(path, fmt)


@SETTINGS
@given(text=st.text(max_size=300), fmt=st.sampled_from(["txt", "csv", "vtt", "srt"]))
def test_arbitrary_text_never_crashes_a_text_reader(tmp_path, text, fmt) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(text.encode("utf-8", errors="replace"))
    _check(path, fmt)
