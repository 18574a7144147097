"""Active learning: uncertainty from predict_proba, spread over domains/agents/languages, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from motnlp.active import call_uncertainty, select_calls, select_diverse, turn_uncertainty
from motnlp.calls import Call, Turn
from motnlp.errors import MotnlpError
from motnlp.io import read_calls
from motnlp.persist import load_model
from motnlp.pipeline import train_model

from .conftest import DATA

TRAIN = [DATA / "roaming.jsonl", DATA / "tiny_en.jsonl"]
NEW = DATA / "labelstudio" / "new_calls.jsonl"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("active") / "m"
    train_model(list(read_calls([str(p) for p in TRAIN])), path, cv=2, min_df=1)
    return path


def test_turn_uncertainty_is_margin_and_entropy_over_the_speakers_labels() -> None:
    probs = np.zeros((3, 16))
    probs[0, 2] = 1.0  # agent, certain
    probs[1, :10] = 0.1  # agent, uniform over its 10 labels
    probs[2, 10:12] = 0.5  # customer, torn between two labels
    u = turn_uncertainty(probs, ["agent", "agent", "customer"])
    assert u[0] == pytest.approx(0.0, abs=1e-6) and u[1] == pytest.approx(1.0)
    assert u[2] == pytest.approx(0.5 * 1.0 + 0.5 * np.log(2) / np.log(6))


def test_unseen_calls_are_more_uncertain_than_training_calls(model_dir) -> None:
    model = load_model(model_dir)
    seen = list(read_calls([str(p) for p in TRAIN]))
    unseen = list(read_calls([str(NEW)]))
    scores = call_uncertainty(model, seen + unseen)
    assert min(scores[len(seen):]) > max(scores[: len(seen)])
    picked = select_calls(seen + unseen, 3, strategy="uncertainty", model=model)
    assert sorted(i for i, _ in picked) == [5, 6, 7]
    assert [s for _, s in picked] == sorted((s for _, s in picked), reverse=True)


def _pool() -> list[Call]:
    """Nine calls: six telecom calls from agent a-1, then one each from other domains and agents."""
    meta = [("telecom", "a-1", "zh")] * 6 + [("banking", "a-2", "en"), ("saas", "a-3", "zh"), ("travel", "a-4", "en")]
    return [Call(call_id=f"c{i}", domain=d, agent_id=a, lang=lang, turns=[Turn("agent", "hi")])
            for i, (d, a, lang) in enumerate(meta)]


def test_diverse_selection_spreads_over_domains_agents_and_languages() -> None:
    calls = _pool()
    picked = select_diverse(calls, 4, seed=1)
    assert {calls[i].domain for i in picked} == {"telecom", "banking", "saas", "travel"}
    assert {calls[i].agent_id for i in picked} == {"a-1", "a-2", "a-3", "a-4"}
    assert select_diverse(calls, 4, seed=1) == picked  # seeded: the same every time
    scores = [0.9] * 6 + [0.1, 0.2, 0.3]
    mixed = select_diverse(calls, 2, scores=scores, seed=1, among=[0, 1, 2, 8])
    assert sorted(calls[i].domain for i in mixed) == ["telecom", "travel"]


def test_mixed_takes_uncertain_calls_but_not_all_from_one_agent(model_dir) -> None:
    model = load_model(model_dir)
    calls = list(read_calls([str(p) for p in TRAIN]))
    for copy in range(3):  # three calls from each agent of the new calls
        for call in read_calls([str(NEW)]):
            call.call_id = f"{call.call_id}-{copy}"
            calls.append(call)
    uncertain = select_calls(calls, 3, strategy="uncertainty", model=model)
    assert len({calls[i].agent_id for i, _ in uncertain}) == 1  # the three copies of the hardest call
    mixed = select_calls(calls, 3, strategy="mixed", model=model)
    assert len({calls[i].agent_id for i, _ in mixed}) == 3 and min(i for i, _ in mixed) >= 5
    assert mixed[0][1] == uncertain[0][1]  # ties on spread go to the most uncertain call
    with pytest.raises(MotnlpError, match="E009"):
        select_calls(calls, 3, strategy="random", model=model)
    with pytest.raises(MotnlpError, match="E013: field 'model'"):
        select_calls(calls, 3, strategy="uncertainty")


def test_select_cli_writes_annotated_calls_ready_to_export(cli, model_dir, tmp_path) -> None:
    out = tmp_path / "pick.jsonl"
    result = cli("select", *TRAIN, NEW, "--n", "2", "--strategy", "uncertainty", "-o", out, "--model", model_dir)
    assert result.code == 0, result.err
    assert "left out 5 call(s) that are already labelled" in result.err
    calls = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(calls) == 2 and {c["call_id"] for c in calls} <= {"loop-1", "loop-2", "loop-3"}
    assert [c["active"]["rank"] for c in calls] == [1, 2] and calls[0]["active"]["uncertainty"] > 0
    assert all("pred" in t and "confidence" in t for c in calls for t in c["turns"])
    tasks = tmp_path / "tasks.json"
    assert cli("export", out, "--to", "label-studio", "-o", tasks).code == 0
    assert len(json.loads(tasks.read_text())) == 2
    diverse = cli("select", NEW, "--n", "3", "--strategy", "diverse", "-o", out, "--model", model_dir)
    assert diverse.code == 0 and len(out.read_text().splitlines()) == 3
    bad = cli("select", NEW, "--n", "0", "-o", out, "--model", model_dir)
    assert bad.code == 2 and "E013: field '--n' must be a positive number" in bad.err
