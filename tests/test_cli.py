"""The command line, driven in-process through a runner."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import DATA


def test_help_lists_every_command(cli) -> None:
    result = cli("--help")
    assert result.code == 0
    for command in ("convert", "annotate", "train", "evaluate", "corpus", "report"):
        assert command in result.out
    for command in ("convert", "annotate", "train", "evaluate", "report", "corpus validate", "corpus stats"):
        assert cli(*command.split(), "--help").code == 0


def test_version(cli) -> None:
    assert cli("--version").out.startswith("motnlp 0.")


def test_convert_writes_contract_jsonl(cli, tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    result = cli("convert", DATA / "same_call" / "call.vtt", DATA / "same_call" / "call.txt", "-o", out)
    assert result.code == 0, result.err
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == 2 and all(x["lang"] == "en" for x in lines)


def test_user_error_is_one_line_with_location(cli, tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"call_id": 1, "turns": [\n')
    result = cli("convert", bad, "-o", tmp_path / "o.jsonl")
    assert result.code == 2
    lines = [x for x in result.err.splitlines() if x.startswith("motnlp: error:")]
    assert lines == [f"motnlp: error: {bad}:1: E003: broken JSON: Expecting value"]
    assert "Traceback" not in result.err


def test_partial_failure_exit_code_and_summary(cli, tmp_path) -> None:
    src = tmp_path / "mixed.jsonl"
    good = json.dumps({"call_id": "ok", "turns": [{"speaker": "agent", "text": "hi"}]})
    src.write_text(f"{good}\nnot json\n")
    result = cli("convert", src, "-o", tmp_path / "o.jsonl")
    assert result.code == 3
    assert f"{src}:2" in result.err and "1 skipped" in result.err
    assert (tmp_path / "o.jsonl").read_text().count("\n") == 1


def test_missing_file(cli, tmp_path) -> None:
    result = cli("convert", tmp_path / "nope.txt", "-o", tmp_path / "o.jsonl")
    assert result.code == 2 and "E011: file not found" in result.err


def test_bad_option_value(cli, tmp_path) -> None:
    result = cli("convert", DATA / "same_call" / "call.txt", "-o", tmp_path / "o.jsonl", "--speakers", "x=boss")
    assert result.code == 2 and "E014" in result.err


def test_train_annotate_evaluate_report(cli, tmp_path) -> None:
    model = tmp_path / "model"
    data = [DATA / "roaming.jsonl", DATA / "tiny_en.jsonl"]
    assert cli("train", *data, "-o", model, "--dev", DATA / "tiny_en.jsonl").code == 0
    out = tmp_path / "ann.jsonl"
    result = cli("annotate", *data, "-o", out, "--model", model)
    assert result.code == 0, result.err
    calls = [json.loads(x) for x in out.read_text().splitlines()]
    assert [c["call_id"] for c in calls] == ["roam-a", "roam-b", "roam-c", "en-1", "en-2"]
    assert all("pred" in t for c in calls for t in c["turns"])
    evaluation = cli("evaluate", *data, "--model", model, "--json")
    report = json.loads(evaluation.out)
    assert {"agent_fine_macro_f1", "customer_macro_f1", "flags", "baseline", "by_language"} <= set(report)
    shown = cli("report", out)
    assert "roam-a" in shown.out and "missed_probe" in shown.out


def test_train_model_settings_reach_the_saved_model(cli, tmp_path) -> None:
    model = tmp_path / "model"
    data = [DATA / "roaming.jsonl", DATA / "tiny_en.jsonl"]
    assert cli("train", *data, "-o", model, "--C", "0.5", "--context-weight", "0.25", "--seed", "3").code == 0
    params = json.loads((model / "model.json").read_text())["params"]
    assert (params["C"], params["context_weight"], params["random_state"], params["own_words"]) == (0.5, 0.25, 3, True)


def test_train_reports_skipped_dev_calls(cli, tmp_path) -> None:
    dev = tmp_path / "dev.jsonl"
    dev.write_text((DATA / "tiny_en.jsonl").read_text() + '{"call_id": "broken"}\n')
    result = cli("train", DATA / "roaming.jsonl", DATA / "tiny_en.jsonl", "-o", tmp_path / "m", "--dev", dev)
    assert result.code == 0
    assert "skipped" in result.err and "dev.jsonl" in result.err and "E005" in result.err


def test_annotate_rejects_go_to_a_file(cli, tmp_path) -> None:
    model = tmp_path / "model"
    cli("train", DATA / "roaming.jsonl", DATA / "tiny_en.jsonl", "-o", model)
    src = tmp_path / "in.jsonl"
    src.write_text((DATA / "roaming.jsonl").read_text() + '{"call_id": "x"}\n')
    out = tmp_path / "out.jsonl"
    result = cli("annotate", src, "-o", out, "--model", model)
    assert result.code == 3
    rejects = [json.loads(x) for x in (tmp_path / "out.jsonl.rejects.jsonl").read_text().splitlines()]
    assert rejects == [{"source": str(src), "line": 4, "call_id": None, "code": "E005",
                        "reason": "E005: missing required field 'turns'"}]
    assert out.read_text().count("\n") == 3


def test_python_dash_m_entry_point() -> None:
    result = subprocess.run([sys.executable, "-m", "motnlp", "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("motnlp")


def test_convert_redact(cli, tmp_path) -> None:
    src = tmp_path / "c.txt"
    src.write_text("坐席: 请留个电话\n客户: 13812345678，邮箱 a.b@example.com\n")
    out = tmp_path / "o.jsonl"
    assert cli("convert", src, "-o", out, "--redact").code == 0
    assert json.loads(out.read_text())["turns"][1]["text"] == "[PHONE]，邮箱 [EMAIL]"
