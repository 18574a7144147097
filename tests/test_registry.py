"""Model versions: train into a registry, list, promote with a score check, NAME@VERSION everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from motnlp.errors import MotnlpError
from motnlp.io import read_calls
from motnlp.pipeline import resolve_model
from motnlp.registry import find, list_models, parse_ref, promote, train_version

from .conftest import DATA

DATA_FILES = [DATA / "roaming.jsonl", DATA / "tiny_en.jsonl"]


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> Path:
    """models/triage/1 trained on every fixture call, triage/2 on two calls only (worse on dev)."""
    directory = tmp_path_factory.mktemp("reg") / "models"
    calls = list(read_calls([str(p) for p in DATA_FILES]))
    train_version(calls, directory, "triage", dev=calls, cv=2, min_df=1)
    train_version(calls[:1] + calls[4:], directory, "triage", dev=calls, cv=2, min_df=1)
    return directory


def test_parse_ref() -> None:
    assert parse_ref("triage@3") == (None, "triage", "3")
    assert parse_ref("models/triage@latest") == (Path("models"), "triage", "latest")
    assert parse_ref("models/default") is None and parse_ref("a@b") is None


def test_versions_are_numbered_and_carry_meta(registry) -> None:
    assert sorted(p.name for p in (registry / "triage").iterdir()) == ["1", "2"]  # no temporary folders left
    meta = [json.loads((registry / "triage" / v / "meta.json").read_text()) for v in ("1", "2")]
    assert [(m["name"], m["version"], m["train_calls"]) for m in meta] == [("triage", "1", 5), ("triage", "2", 2)]
    assert meta[0]["training_data_sha256"] != meta[1]["training_data_sha256"]
    assert meta[0]["dev_scores"]["agent_fine_macro_f1"] > meta[1]["dev_scores"]["agent_fine_macro_f1"]
    rows = list_models(registry)
    assert [r["ref"] for r in rows] == ["triage@1", "triage@2"]
    assert rows[0]["train_calls"] == 5 and rows[0]["data_sha256"] == meta[0]["training_data_sha256"][:12]


def test_train_cli_writes_the_next_version(cli, tmp_path) -> None:
    models = tmp_path / "models"
    for expected in ("1", "2"):
        result = cli("train", *DATA_FILES, "--models-dir", models, "--name", "tiny", "--dev", DATA_FILES[1])
        assert result.code == 0, result.err
        assert f"tiny@{expected}" in result.err
        assert json.loads((models / "tiny" / expected / "meta.json").read_text())["version"] == expected
    both = cli("train", *DATA_FILES, "--models-dir", models, "-o", tmp_path / "x")
    assert both.code == 2 and "-o/--output or --models-dir" in both.err
    bad_name = cli("train", *DATA_FILES, "--models-dir", models, "--name", "default")
    assert bad_name.code == 2 and "E013: field '--name'" in bad_name.err


def test_model_refs_work_wherever_a_model_is_accepted(cli, registry, tmp_path, monkeypatch) -> None:
    assert resolve_model(f"{registry}/triage@2") == registry / "triage" / "2"
    assert resolve_model(f"{registry}/triage@latest") == registry / "triage" / "2"
    monkeypatch.setenv("MOTNLP_MODELS_DIR", str(registry))
    assert resolve_model("triage@1") == registry / "triage" / "1"
    out = tmp_path / "ann.jsonl"
    assert cli("annotate", DATA_FILES[1], "-o", out, "--model", "triage@1").code == 0
    assert {json.dumps(json.loads(x)["model"]) for x in out.read_text().splitlines()} == {
        '{"name": "triage", "version": "1"}'}
    evaluated = cli("evaluate", DATA_FILES[1], "--model", "triage@2", "--json")
    assert evaluated.code == 0 and json.loads(evaluated.out)["model"].endswith("triage/2")
    missing = cli("annotate", DATA_FILES[1], "-o", out, "--model", "triage@7")
    assert missing.code == 2 and f"E035: no model in {registry} 'triage@7'" in missing.err
    monkeypatch.setenv("MOTNLP_MODEL", "triage@2")
    assert resolve_model(None) == registry / "triage" / "2"


def test_promote_refuses_a_worse_model_unless_forced(registry, cli) -> None:
    first = promote("triage@1", registry)
    assert first["from"] == "triage@1" and first["scores"]["previous"] is None
    assert json.loads((registry / "default" / "meta.json").read_text())["version"] == "1"
    refused = cli("models", "promote", "triage@2", "--models-dir", registry)
    assert refused.code == 2 and "E034: refusing to promote triage@2: dev agent_fine_macro_f1" in refused.err
    assert json.loads((registry / "default" / "promotion.json").read_text())["from"] == "triage@1"
    listed = cli("models", "list", "--models-dir", registry)
    assert "* triage@1" in listed.out and "  triage@2" in listed.out and "default (= triage@1)" in listed.out
    forced = cli("models", "promote", "triage@latest", "--models-dir", registry, "--force")
    assert forced.code == 0 and "forced" in forced.err
    record = json.loads((registry / "default" / "promotion.json").read_text())
    assert record["from"] == "triage@2" and record["forced"] and record["previous"] == "triage@1"
    assert sorted(p.name for p in registry.iterdir()) == ["default", "triage"]  # no temporary folders left
    again = cli("models", "promote", "triage@1", "--models-dir", registry, "--dev", DATA_FILES[1])
    assert again.code == 0, again.err
    assert json.loads((registry / "default" / "promotion.json").read_text())["scored_on"] == "dev calls given"


def test_promote_reevaluates_on_dev(registry, tmp_path) -> None:
    promote("triage@1", registry, force=True)
    dev = list(read_calls([str(DATA_FILES[0])]))
    with pytest.raises(MotnlpError, match="E034"):
        promote("triage@2", registry, dev=dev)
    with pytest.raises(MotnlpError, match="E033: bad model reference 'triage'"):
        find("triage", registry)
