"""Readers: every format gives the same turns; every bad input gives a located error."""

from __future__ import annotations

import json

import pytest

from motnlp.errors import E
from motnlp.io import ReadReport, SpeakerMap, read_calls, read_file, write_jsonl
from motnlp.io.source import MAX_TURN_BYTES
from motnlp.io.speakers import Segment, merge_segments

from .conftest import DATA

SAME = sorted((DATA / "same_call").iterdir())


def _turns(call, timed=True):
    return [(t.speaker, t.text, t.start, t.end) if timed else (t.speaker, t.text) for t in call.turns]


def _one(path, **kw):
    items = list(read_file(str(path), **kw))
    assert len(items) == 1, items
    return items[0]


@pytest.mark.parametrize("path", SAME, ids=[p.name for p in SAME])
def test_every_format_gives_the_same_turns(path) -> None:
    reference = _one(DATA / "same_call" / "call.jsonl")
    call = _one(path)
    assert not isinstance(call, Exception), call
    assert _turns(call, timed=False) == _turns(reference, timed=False)
    if path.suffix != ".txt":
        assert _turns(call) == _turns(reference)
    assert call.lang == "en"


def test_format_can_be_forced(tmp_path) -> None:
    target = tmp_path / "transcript.data"
    target.write_text((DATA / "same_call" / "call.srt").read_text())
    assert _turns(_one(target, fmt="srt")) == _turns(_one(DATA / "same_call" / "call.jsonl"))


def test_unknown_extension_needs_format(tmp_path) -> None:
    target = tmp_path / "x.data"
    target.write_text("Agent: hi\nCustomer: hello\n")
    assert _one(target).code is E.E010


def test_jsonl_round_trip_keeps_unknown_fields(tmp_path) -> None:
    line = {"call_id": "c1", "lang": "zh", "queue": "vip", "turns": [
        {"speaker": "agent", "text": "您好", "start": 0.0, "end": 1.0, "sentiment": -0.2, "label": "other"}],
        "flags": {"missed_probe": []}}
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(line, ensure_ascii=False) + "\n")
    write_jsonl(read_calls([str(src)]), str(tmp_path / "out.jsonl"))
    assert json.loads((tmp_path / "out.jsonl").read_text()) == line


def test_broken_json_line_reports_location_and_keeps_the_others(tmp_path) -> None:
    good = json.dumps({"call_id": "ok", "turns": [{"speaker": "agent", "text": "hi"}]})
    src = tmp_path / "mixed.jsonl"
    src.write_text(f"{good}\n{{\"call_id\": \"bad\", \"turns\": [\n{good.replace('ok', 'ok2')}\n")
    report = ReadReport()
    calls = list(read_calls([str(src)], report=report))
    assert [c.call_id for c in calls] == ["ok", "ok2"]
    assert len(report.errors) == 1
    assert report.errors[0].line == 2 and report.errors[0].code is E.E003
    assert report.errors[0].one_line().startswith(f"{src}:2: E003")


@pytest.mark.parametrize(("content", "code"), [
    (b"", E.E001),
    (b"   \n\n", E.E001),
    ('{"call_id": "x", "turns": [{"speaker": "agent", "text": "中文"}]}'.encode("gbk"), E.E002),
    (b'{"call_id": "x"}', E.E005),
    (b'{"call_id": "x", "turns": [{"speaker": "robot", "text": "hi"}]}', E.E006),
    (b'{"call_id": "x", "turns": [{"speaker": "agent"}]}', E.E005),
    (b'["not", "an", "object"]', E.E004),
    (b'{"call_id": "x", "turns": [{"speaker": "agent", "text": "hi", "start": "soon"}]}', E.E013),
])
def test_bad_jsonl(tmp_path, content, code) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_bytes(content)
    item = _one(src)
    assert item.code is code
    assert str(src) in item.one_line()


def test_gbk_error_names_the_encoding_and_encoding_option_reads_it(tmp_path) -> None:
    src = tmp_path / "gbk.txt"
    src.write_bytes("坐席：您好\n客户：我想开通国际漫游\n".encode("gbk"))
    err = _one(src)
    assert err.code is E.E002 and "--encoding gbk" in err.message
    call = _one(src, encoding="gbk")
    assert [t.speaker for t in call.turns] == ["agent", "customer"] and call.lang == "zh"


def test_bom_and_crlf(tmp_path) -> None:
    src = tmp_path / "bom.txt"
    src.write_bytes("\ufeffAgent: Hello there\r\nCustomer: Hi\r\n".encode())
    call = _one(src)
    assert [(t.speaker, t.text) for t in call.turns] == [("agent", "Hello there"), ("customer", "Hi")]


def test_huge_turn_is_refused(tmp_path) -> None:
    src = tmp_path / "huge.jsonl"
    huge = "啊" * (10 * 1024 * 1024 // 3)
    ok = {"call_id": "fine", "turns": [{"speaker": "agent", "text": "hi"}]}
    src.write_text(json.dumps({"call_id": "big", "turns": [{"speaker": "customer", "text": huge}]},
                              ensure_ascii=False) + "\n" + json.dumps(ok) + "\n")
    items = list(read_file(str(src)))
    assert items[0].code is E.E008 and items[0].line == 1
    assert str(MAX_TURN_BYTES) in items[0].message
    assert items[1].call_id == "fine"


def test_txt_multiple_calls_and_chinese_prefixes(tmp_path) -> None:
    src = tmp_path / "calls.txt"
    src.write_text("### c1\n坐席：您好，请问有什么可以帮您？\n客户：我想查话费。\n\n### c2\n客服: 你好\n用户: 宽带断了\n"
                   "   从昨天晚上开始\n")
    calls = list(read_file(str(src)))
    assert [c.call_id for c in calls] == ["c1", "c2"]
    assert calls[1].turns[1].text == "宽带断了 从昨天晚上开始"
    assert all(c.lang == "zh" for c in calls)


def test_txt_empty_text_and_unknown_speaker(tmp_path) -> None:
    src = tmp_path / "calls.txt"
    src.write_text("### a\nAgent: hi\nCustomer:\n\n### b\nAgent: hi\nBot: beep\n\n### c\nAgent: fine\n")
    items = list(read_file(str(src)))
    assert items[0].code is E.E007 and items[0].line == 3
    assert items[1].code is E.E006 and items[1].line == 7
    assert items[2].call_id == "c"


def test_txt_line_without_prefix_at_start(tmp_path) -> None:
    src = tmp_path / "calls.txt"
    src.write_text("hello there\nAgent: hi\n")
    assert _one(src).code is E.E017


def test_csv_bad_row_rejects_only_its_call(tmp_path) -> None:
    src = tmp_path / "calls.csv"
    src.write_text("call_id,turn,speaker,text,start,end,label\n"
                   "a,1,customer,second,1.0,2.0,info\n"
                   "a,0,agent,first,0.0,1.0,other\n"
                   "b,0,alien,hmm,,,\n"
                   "c,0,agent,ok,x,,\n")
    items = list(read_file(str(src)))
    assert [t.text for t in items[0].turns] == ["first", "second"]
    assert items[0].turns[1].label == "info"
    assert items[1].code is E.E006 and items[1].line == 4
    assert items[2].code is E.E013 and items[2].line == 5


def test_csv_missing_columns(tmp_path) -> None:
    src = tmp_path / "calls.csv"
    src.write_text("id,who,what\n1,agent,hi\n")
    assert _one(src).code is E.E016


def test_speaker_map_option_and_diarized_defaults(tmp_path) -> None:
    data = {"segments": [{"start": 0, "end": 1, "text": "Hi, how can I help?", "speaker": "SPEAKER_01"},
                         {"start": 1, "end": 2, "text": "My card is blocked.", "speaker": "SPEAKER_00"}]}
    src = tmp_path / "w.json"
    src.write_text(json.dumps(data))
    assert [t.speaker for t in _one(src).turns] == ["agent", "customer"]  # first to speak is the agent
    swapped = _one(src, speakers=SpeakerMap.parse("SPEAKER_01=customer,SPEAKER_00=agent"))
    assert [t.speaker for t in swapped.turns] == ["customer", "agent"]


def test_third_diarized_speaker_needs_a_mapping(tmp_path) -> None:
    segs = [{"start": i, "end": i + 1, "text": f"t{i}", "speaker": f"spk_{i}"} for i in range(3)]
    src = tmp_path / "w.json"
    src.write_text(json.dumps({"segments": segs}))
    assert _one(src).code is E.E006
    ok = _one(src, speakers=SpeakerMap.parse("spk_2=customer"))
    assert [t.speaker for t in ok.turns] == ["agent", "customer"]


def test_bad_speaker_map_spec() -> None:
    with pytest.raises(Exception) as info:
        SpeakerMap.parse("spk_0=boss")
    assert info.value.code is E.E014


def test_merge_keeps_first_start_and_last_end() -> None:
    segs = [Segment("agent", "您好", 0.0, 1.0), Segment("agent", "请讲", 1.2, 2.0),
            Segment("customer", "I want", 2.1, 3.0), Segment("customer", "roaming", 3.0, 3.5)]
    turns = merge_segments(segs, SpeakerMap().resolver())
    assert turns == [{"speaker": "agent", "text": "您好请讲", "start": 0.0, "end": 2.0},
                     {"speaker": "customer", "text": "I want roaming", "start": 2.1, "end": 3.5}]


def test_aws_chinese_items_join_without_spaces(tmp_path) -> None:
    items = [{"type": "pronunciation", "start_time": "0.0", "end_time": "0.5", "alternatives": [{"content": "你好"}]},
             {"type": "pronunciation", "start_time": "0.5", "end_time": "1.0", "alternatives": [{"content": "请讲"}]},
             {"type": "punctuation", "alternatives": [{"content": "。"}]},
             {"type": "pronunciation", "start_time": "1.2", "end_time": "2.0", "alternatives": [{"content": "查话费"}]}]
    segs = [{"speaker_label": "spk_0", "items": [{"start_time": "0.0", "speaker_label": "spk_0"},
                                                  {"start_time": "0.5", "speaker_label": "spk_0"}]},
            {"speaker_label": "spk_1", "items": [{"start_time": "1.2", "speaker_label": "spk_1"}]}]
    src = tmp_path / "aws.json"
    src.write_text(json.dumps({"jobName": "j1", "results": {"language_code": "zh-CN", "items": items,
                                                           "speaker_labels": {"segments": segs}}}))
    call = _one(src)
    assert call.call_id == "j1" and call.lang == "zh"
    assert [(t.speaker, t.text) for t in call.turns] == [("agent", "你好请讲。"), ("customer", "查话费")]


@pytest.mark.parametrize("name", ["x.vtt", "x.srt", "x.json"])
def test_broken_structured_files(tmp_path, name) -> None:
    src = tmp_path / name
    src.write_text("this is not a valid file\n")
    item = _one(src)
    assert item.code in (E.E026, E.E003, E.E010)


def test_directory_input_and_stdin(tmp_path, monkeypatch) -> None:
    import io
    import sys

    (tmp_path / "a.txt").write_text("Agent: hi\nCustomer: hello\n")
    (tmp_path / "notes.md").write_text("ignored")
    assert [c.call_id for c in read_calls([str(tmp_path)])] == ["a"]
    payload = json.dumps({"call_id": "s", "turns": [{"speaker": "agent", "text": "hi"}]}).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload)))
    assert [c.call_id for c in read_calls(["-"], fmt="jsonl")] == ["s"]


def test_atomic_write_leaves_old_file_on_failure(tmp_path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")

    def explode():
        yield from read_calls([str(DATA / "same_call" / "call.jsonl")])
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_jsonl(explode(), str(target))
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def _line(call_id: str, text: str) -> str:
    return json.dumps({"call_id": call_id, "turns": [{"speaker": "agent", "text": text}]}, ensure_ascii=False)


def test_jsonl_streams_and_keeps_calls_before_an_undecodable_line(tmp_path) -> None:
    src = tmp_path / "mixed.jsonl"
    src.write_bytes((_line("a", "您好") + "\r\n" + _line("b", "hello") + "\r\n").encode()
                    + (_line("c", "中文") + "\n").encode("gbk"))
    items = list(read_file(str(src)))
    assert [c.call_id for c in items[:2]] == ["a", "b"]
    assert items[0].turns[0].text == "您好" and items[0].lang == "zh"
    err = items[2]
    assert err.code is E.E002 and err.line == 3 and "--encoding gbk" in err.message
    assert len(items) == 3


def test_jsonl_with_bom_and_blank_lines_reads_every_call(tmp_path) -> None:
    src = tmp_path / "bom.jsonl"
    src.write_bytes(("\ufeff" + _line("a", "hi") + "\n\n" + _line("b", "there") + "\n").encode())
    assert [c.call_id for c in read_file(str(src))] == ["a", "b"]
    (tmp_path / "blank.jsonl").write_text("\n  \n", encoding="utf-8")
    assert _one(tmp_path / "blank.jsonl").code is E.E001
