"""Export to / import from Label Studio and doccano: real formats, round trips, one-line errors."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET

import pytest

from motnlp.annotation_tools import import_file, missing_turns
from motnlp.doccano import to_lines
from motnlp.errors import MotnlpError
from motnlp.flags import call_flags
from motnlp.io import read_calls
from motnlp.labels import AGENT_LABELS, CUSTOMER_LABELS
from motnlp.labelstudio import config, to_tasks

from .conftest import DATA

LS_EXPORT = DATA / "labelstudio" / "export.json"
DOCCANO_EXPORT = DATA / "doccano" / "export.jsonl"
ORIGINALS = [DATA / "roaming.jsonl", DATA / "tiny_en.jsonl"]


@pytest.fixture
def gold() -> dict:
    calls = read_calls([str(p) for p in ORIGINALS])
    return {c.call_id: c for c in calls}


def _annotated(gold: dict) -> list:
    """roam-a and en-2 as `motnlp annotate` would write them, with some wrong predictions."""
    out = []
    for call_id, wrong in (("roam-a", {3: "feedback"}), ("en-2", {1: "requirement"})):
        call = copy.deepcopy(gold[call_id])
        for i, turn in enumerate(call.turns):
            turn.pred, turn.confidence = wrong.get(i, turn.label), 0.8
            turn.label = None
        call.extra.update({"model": {"name": "motnlp", "version": "3"}, "scorecard": {}, "evidence": {}})
        out.append(call)
    return out


# -- Label Studio -------------------------------------------------------------------------------
def test_config_is_label_studio_xml_with_one_choice_per_turn(cli) -> None:
    root = ET.fromstring(config())
    repeater = root.find("Repeater")
    assert repeater is not None and repeater.get("on") == "$turns" and repeater.get("indexFlag") == "{{idx}}"
    text, choices = repeater.find("Text"), repeater.find("Choices")
    assert text.get("name") == "turn_{{idx}}" and text.get("value") == "$turns[{{idx}}].text"
    assert choices.get("name") == "label_{{idx}}" and choices.get("toName") == "turn_{{idx}}"
    assert choices.get("choice") == "single-radio"
    assert [c.get("value") for c in choices] == list(dict.fromkeys(AGENT_LABELS[:-1] + CUSTOMER_LABELS))
    shown = cli("export", "--config")
    assert shown.code == 0 and shown.out == config()


def test_tasks_are_in_label_studio_import_format(gold) -> None:
    calls = _annotated(gold)
    tasks = to_tasks(calls)
    assert len(tasks) == 2
    task = tasks[1]
    assert task["data"]["call_id"] == "en-2" and task["data"]["agent_id"] == "a-9"
    assert [t["text"] for t in task["data"]["turns"]] == [t.text for t in calls[1].turns]
    assert task["data"]["turns"][1] == {"speaker": "customer", "text": calls[1].turns[1].text,
                                        "who": "#1 customer", "start": 2.0, "end": 5.0}
    assert not {"scorecard", "evidence", "model", "flags"} & set(task["data"])
    (prediction,) = task["predictions"]
    assert prediction["model_version"] == "motnlp 3"
    assert [r["from_name"] for r in prediction["result"]] == [f"label_{i}" for i in range(6)]
    assert [r["to_name"] for r in prediction["result"]] == [f"turn_{i}" for i in range(6)]
    assert {r["type"] for r in prediction["result"]} == {"choices"}
    assert prediction["result"][1]["value"] == {"choices": ["requirement"]} and prediction["result"][1]["score"] == 0.8
    assert "predictions" not in to_tasks([gold["roam-b"]])[0]  # no predictions: no pre-annotation


def _accept_predictions(tasks: list, changes: dict) -> list:
    """What Label Studio exports after a labeller accepts the pre-annotations, changing some."""
    exported = []
    for number, task in enumerate(tasks, start=1):
        result = copy.deepcopy(task["predictions"][0]["result"])
        for region in result:
            key = (task["data"]["call_id"], int(region["from_name"].split("_")[1]))
            if key in changes:
                region["value"]["choices"] = [changes[key]]
        exported.append({"id": number, "data": task["data"], "predictions": task["predictions"],
                         "annotations": [{"id": 50 + number, "completed_by": 1, "result": result,
                                          "was_cancelled": False, "ground_truth": False}]})
    return exported


def test_round_trip_through_label_studio(gold, tmp_path, cli) -> None:
    annotated = tmp_path / "annotated.jsonl"
    annotated.write_text("".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in _annotated(gold)))
    tasks_path = tmp_path / "tasks.json"
    assert cli("export", annotated, "--to", "label-studio", "-o", tasks_path).code == 0
    export = tmp_path / "export.json"
    export.write_text(json.dumps(_accept_predictions(json.loads(tasks_path.read_text()),
                                                     {("roam-a", 3): "other", ("en-2", 1): "feeling"})))
    out = tmp_path / "labelled.jsonl"
    result = cli("import", export, "--from", "label-studio", "-o", out, "--calls", annotated)
    assert result.code == 0, result.err
    calls = list(read_calls([str(out)]))
    for call in calls:
        original = gold[call.call_id]
        assert [t.label for t in call.turns] == [t.label for t in original.turns]
        assert all(t.pred is None and t.confidence is None for t in call.turns)
        assert not {"scorecard", "evidence", "model"} & set(call.extra)
        assert call.flags == call_flags(original)
    assert calls[1].turns[1].start == 2.0  # fields of the original calls are kept


def test_hand_written_export_uses_ground_truth_and_skips_cancelled(gold) -> None:
    calls = import_file(str(LS_EXPORT), "label-studio", {c: gold[c] for c in ("roam-a", "en-2")})
    assert [c.call_id for c in calls] == ["roam-a", "en-2"]
    for call in calls:
        assert [t.label for t in call.turns] == [t.label for t in gold[call.call_id].turns]
    rebuilt = import_file(str(LS_EXPORT), "label-studio")  # without the originals: from the task data
    assert [t.text for t in rebuilt[1].turns] == [t.text for t in gold["en-2"].turns]
    assert rebuilt[1].agent_id == "a-9" and rebuilt[1].turns[3].end == 7.0
    assert [t.label for t in rebuilt[1].turns] == [t.label for t in gold["en-2"].turns]


def _mutate(export: list, how: str) -> tuple[list, list[str]]:
    """Damage the fixture export in one way; return it and extra CLI arguments."""
    ann = export[0]["annotations"][0]["result"]
    if how == "unknown":
        ann[3]["value"]["choices"] = ["explore.why"]
    elif how == "wrong_speaker":
        ann[2]["value"]["choices"] = ["need"]
    elif how == "text":
        export[0]["data"]["turns"][1]["text"] = "我想关闭国际漫游。"
    elif how == "duplicate":
        ann.append({**copy.deepcopy(ann[2]), "id": "dup", "value": {"choices": ["offer"]}})
    elif how == "two_choices":
        ann[2]["value"]["choices"] = ["do", "offer"]
    elif how == "disagree":
        export[1]["annotations"][0]["ground_truth"] = False
    elif how == "missing":
        del ann[1]
    elif how == "unlabelled":
        export[0]["annotations"] = []
    elif how == "not_in_calls":
        export[0]["data"]["call_id"] = "roam-z"
    return export, []


@pytest.mark.parametrize(("how", "message"), [
    ("unknown", "E027: task 101 (call roam-a): unknown label 'explore.why'; customer labels are: requirement, need"),
    ("wrong_speaker", "E028: task 101 (call roam-a): 'need' is a customer label, but turn 2 is spoken by the agent"),
    ("text", "E029: task 101 (call roam-a): turn 1 of call 'roam-a' no longer matches the call text "
             "(export has '我想关闭国际漫游。', call has '我想开通国际漫游。')"),
    ("duplicate", "E030: task 101 (call roam-a): turn 2 of call 'roam-a' is annotated more than once (labels do, offer)"),
    ("two_choices", "E030: task 101 (call roam-a): turn 2 of call 'roam-a' is annotated more than once"),
    ("disagree", "E030: task 102 (call en-2): turn 1 of call 'en-2' is annotated more than once (annotation 202 says "
                 "feeling, annotation 203 says requirement; mark one as ground truth)"),
    ("missing", "E031: task 101 (call roam-a): call 'roam-a' has no label for turn(s) 1"),
    ("unlabelled", "E031: task 101 (call roam-a): call 'roam-a' has no label for turn(s) 0-3 (no submitted annotation)"),
    ("not_in_calls", "E032: task 101 (call roam-z): call 'roam-z' is not in the original calls"),
])
def test_bad_label_studio_exports_fail_with_one_line(cli, tmp_path, how, message) -> None:
    export, extra = _mutate(json.loads(LS_EXPORT.read_text()), how)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(export, ensure_ascii=False))
    out = tmp_path / "out.jsonl"
    result = cli("import", bad, "--from", "label-studio", "-o", out, "--calls", ORIGINALS[0], "--calls",
                 ORIGINALS[1], *extra)
    assert result.code == 2
    errors = [x for x in result.err.splitlines() if x.startswith("motnlp: error:")]
    assert len(errors) == 1 and errors[0].startswith(f"motnlp: error: {bad}: {message}"), errors
    assert not out.exists()


def test_unlabelled_tasks_can_be_skipped_but_are_listed(cli, tmp_path) -> None:
    export, _ = _mutate(json.loads(LS_EXPORT.read_text()), "unlabelled")
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(export, ensure_ascii=False))
    out = tmp_path / "out.jsonl"
    result = cli("import", path, "--from", "label-studio", "-o", out, "--allow-unlabelled")
    assert result.code == 0
    assert "skipped" in result.err and "task 101 (call roam-a): no submitted annotation" in result.err
    assert [json.loads(x)["call_id"] for x in out.read_text().splitlines()] == ["en-2"]


def test_not_a_task_list_is_refused(tmp_path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"data": {}}')
    with pytest.raises(MotnlpError, match="E026: broken Label Studio export file: expected a JSON list"):
        import_file(str(path), "label-studio")
    path.write_text('[{"data": {"text": "hello"}, "annotations": []}]')
    with pytest.raises(MotnlpError, match=r"task #1 has no data\.turns list"):
        import_file(str(path), "label-studio")


# -- doccano -------------------------------------------------------------------------------------
def test_doccano_lines_are_text_classification_jsonl(gold) -> None:
    lines = list(to_lines(_annotated(gold)))
    assert len(lines) == 4 + 6
    first, second = lines[4], lines[5]
    assert first["text"] == gold["en-2"].turns[0].text and first["label"] == ["other"]
    assert (first["call_id"], first["turn"], first["n_turns"], first["speaker"]) == ("en-2", 0, 6, "agent")
    assert second["label"] == ["requirement"] and second["context"].startswith("agent: Hello")
    assert first["call"] == {"agent_id": "a-9", "lang": "en", "domain": "telecom"}


def test_round_trip_through_doccano(gold, tmp_path, cli) -> None:
    annotated = tmp_path / "annotated.jsonl"
    annotated.write_text("".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in _annotated(gold)))
    tasks = tmp_path / "tasks.jsonl"
    assert cli("export", annotated, "--to", "doccano", "-o", tasks).code == 0
    exported = []  # doccano: its own id, the label list as edited, Comments
    for n, raw in enumerate(tasks.read_text().splitlines()):
        line = json.loads(raw)
        if (line["call_id"], line["turn"]) in {("roam-a", 3), ("en-2", 1)}:
            line["label"] = ["other" if line["call_id"] == "roam-a" else "feeling"]
        exported.append(json.dumps({"id": 900 + n, **line, "Comments": []}, ensure_ascii=False))
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join(reversed(exported)) + "\n")  # line order does not matter
    out = tmp_path / "labelled.jsonl"
    result = cli("import", export, "--from", "doccano", "-o", out, "--calls", annotated)
    assert result.code == 0, result.err
    calls = {c.call_id: c for c in read_calls([str(out)])}
    for call_id, call in calls.items():
        assert [t.label for t in call.turns] == [t.label for t in gold[call_id].turns]


def test_hand_written_doccano_export(gold, tmp_path) -> None:
    calls = import_file(str(DOCCANO_EXPORT), "doccano", gold)
    assert {c.call_id: [t.label for t in c.turns] for c in calls} == {
        c: [t.label for t in gold[c].turns] for c in ("roam-a", "en-2")}
    as_json = tmp_path / "export.json"  # doccano's JSON (not JSONL) export: one list
    as_json.write_text(json.dumps([json.loads(x) for x in DOCCANO_EXPORT.read_text().splitlines()]))
    assert [t.label for t in import_file(str(as_json), "doccano")[0].turns] == [t.label for t in gold["roam-a"].turns]


@pytest.mark.parametrize(("line", "change", "message"), [
    (2, {"label": ["explore.why"]}, ":2: E027: line 2: unknown label 'explore.why'"),
    (3, {"label": ["feeling"]}, ":3: E028: line 3: 'feeling' is a customer label, but turn 2 is spoken by the agent"),
    (3, {"label": ["do", "offer"]}, ":3: E030: line 3: turn 2 of call 'roam-a' is annotated more than once"),
    (3, {"turn": 1}, ":3: E030: line 3: turn 1 of call 'roam-a' is annotated more than once (it is also on line 2)"),
    (4, {"label": []}, ":1: E031: doccano export: call 'roam-a' has no label for turn(s) 3"),
    (2, {"text": "我想关闭国际漫游。"}, ":2: E029: line 2: turn 1 of call 'roam-a' no longer matches the call text"),
    (1, {"turn": 7}, ":1: E026: broken doccano export file: line 1: turn 7 of 4 does not fit call 'roam-a'"),
    (1, {"call_id": None}, ":1: E026: broken doccano export file: line 1 has no valid 'call_id'"),
])
def test_bad_doccano_exports_name_the_line(cli, tmp_path, line, change, message) -> None:
    lines = [json.loads(x) for x in DOCCANO_EXPORT.read_text().splitlines()]
    lines[line - 1].update(change)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
    result = cli("import", bad, "--from", "doccano", "-o", tmp_path / "o.jsonl", "--calls", ORIGINALS[0],
                 "--calls", ORIGINALS[1])
    assert result.code == 2
    errors = [x for x in result.err.splitlines() if x.startswith("motnlp: error:")]
    assert len(errors) == 1 and errors[0].startswith(f"motnlp: error: {bad}{message}"), errors


def test_a_turn_missing_from_a_doccano_export_is_an_error(tmp_path) -> None:
    lines = DOCCANO_EXPORT.read_text().splitlines()
    path = tmp_path / "short.jsonl"
    path.write_text("\n".join(lines[:2] + lines[3:]) + "\n")
    with pytest.raises(MotnlpError, match=r"E031: doccano export: call 'roam-a' has no label for turn\(s\) 2 \(no line"):
        import_file(str(path), "doccano")


def test_unknown_tool_and_missing_turn_ranges(cli, tmp_path) -> None:
    result = cli("export", DATA / "roaming.jsonl", "--to", "prodigy", "-o", tmp_path / "t.json")
    assert result.code == 2 and "E009: unknown input format 'prodigy'" in result.err
    assert missing_turns(9, {0: "a", 1: "b", 4: "c", 8: "d"}) == "2-3, 5-7"
    assert missing_turns(3, {0: "a", 1: "b", 2: "c"}) == ""
