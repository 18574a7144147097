"""Acceptance: the retraining loop end to end.

The first model is trained on the fixture calls, which have no ``listen.empathy`` turn,
so it cannot label empathy. New calls are annotated, exported to Label Studio, relabelled
by hand (the empathy turns, which the model got wrong, and every other wrong turn),
imported and added to the training data. The retrained model must label a held-out,
hand-written *paraphrase* of an empathy turn correctly, and a model retrained without
the labeller's corrections must not.
"""

from __future__ import annotations

import copy
import json

import pytest

from motnlp.calls import Call, Turn
from motnlp.io import read_calls
from motnlp.persist import load_model
from motnlp.pipeline import train_model
from motnlp.store import Store

from .conftest import DATA

BASE = [DATA / "roaming.jsonl", DATA / "tiny_en.jsonl"]
NEW = DATA / "labelstudio" / "new_calls.jsonl"

#: What the labeller decides for every turn of the new calls.
TRUTH = {
    "loop-1": ["other", "feeling", "listen.empathy", "requirement", "explore.clarify", "info", "do", "confirm"],
    "loop-2": ["other", "feeling", "listen.empathy", "requirement", "do", "confirm", "feedback"],
    "loop-3": ["other", "feeling", "listen.empathy", "requirement", "do", "confirm", "feedback"],
}

#: A held-out call; turn 2 paraphrases the empathy turns without repeating any of them.
PARAPHRASE = Call(call_id="held-out", agent_id="a-7", lang="en", domain="telecom", turns=[
    Turn("agent", "Hello, billing team, how can I help?"),
    Turn("customer", "You cut my internet off by mistake and I'm furious."),
    Turn("agent", "I'm really sorry, that must be so frustrating for you."),
    Turn("customer", "Turn it back on."),
    Turn("agent", "I've turned it back on."),
])
EMPATHY_TURN = 2


def _fast(calls, path):
    """Train the way the tests do: 2 folds, every term kept."""
    return train_model(calls, path, cv=2, min_df=1)[0]


def _predict(model, call: Call) -> str:
    return model.predict([call])[0][EMPATHY_TURN][0]


def _labeller(tasks: list) -> list:
    """Label Studio's JSON export after a labeller worked through the pre-annotated tasks."""
    exported = []
    for number, task in enumerate(tasks, start=1):
        truth = TRUTH[task["data"]["call_id"]]
        result = copy.deepcopy(task["predictions"][0]["result"])
        for region in result:
            index = int(region.pop("from_name").split("_")[1])
            changed = region["value"]["choices"] != [truth[index]]
            region.update({"from_name": f"label_{index}", "value": {"choices": [truth[index]]},
                           "origin": "prediction-changed" if changed else "prediction"})
            region.pop("score", None)
        exported.append({"id": 70 + number, "data": task["data"], "predictions": task["predictions"],
                         "annotations": [{"id": 400 + number, "completed_by": 2, "result": result,
                                          "was_cancelled": False, "ground_truth": False, "lead_time": 95.0}],
                         "drafts": [], "meta": {}, "inner_id": number, "project": 9})
    return exported


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    path = tmp_path_factory.mktemp("loop") / "m0"
    _fast(list(read_calls([str(p) for p in BASE])), path)
    return path


def test_label_studio_corrections_teach_the_model(first, cli, tmp_path) -> None:
    annotated = tmp_path / "annotated.jsonl"
    assert cli("annotate", NEW, "-o", annotated, "--model", first).code == 0
    preds = {c.call_id: [t.pred for t in c.turns] for c in read_calls([str(annotated)])}
    assert all(preds[c][2] != "listen.empathy" for c in TRUTH)  # the model gets the empathy turns wrong
    tasks = tmp_path / "tasks.json"
    assert cli("export", annotated, "--to", "label-studio", "-o", tasks).code == 0
    export = tmp_path / "project-9-at-2026-03-20.json"
    export.write_text(json.dumps(_labeller(json.loads(tasks.read_text())), ensure_ascii=False))
    labelled = tmp_path / "labelled.jsonl"
    result = cli("import", export, "--from", "label-studio", "-o", labelled, "--calls", NEW)
    assert result.code == 0, result.err
    imported = list(read_calls([str(labelled)]))
    assert {c.call_id: [t.label for t in c.turns] for c in imported} == TRUTH

    base = list(read_calls([str(p) for p in BASE]))
    assert _predict(load_model(first), PARAPHRASE) != "listen.empathy"  # skipping the import: still wrong
    accepted = [copy.deepcopy(c) for c in read_calls([str(annotated)])]  # labeller accepts the model's labels
    for call in accepted:
        for turn in call.turns:
            turn.label = turn.pred
    assert _predict(_fast(base + accepted, tmp_path / "m-accepted"), PARAPHRASE) != "listen.empathy"
    retrained = _fast(base + imported, tmp_path / "m1")
    assert _predict(retrained, PARAPHRASE) == "listen.empathy"


def test_accepted_disputes_are_trained_on(first, cli, tmp_path) -> None:
    db = f"sqlite:///{tmp_path / 'loop.db'}"
    annotated = tmp_path / "annotated.jsonl"
    assert cli("annotate", NEW, "-o", annotated, "--model", first).code == 0
    store = Store(db)
    store.ingest(read_calls([str(annotated)]))
    for name, agent in (("priya", "a-9"), ("sam", "a-1"), ("li", "a-2")):
        store.add_user(name, "agent", agent)
    store.add_user("carol", "coach")
    for call_id, agent in (("loop-1", "priya"), ("loop-2", "sam"), ("loop-3", "li")):
        added = cli("disputes", "add", call_id, "2", "listen.empathy", "--user", agent, "--db", db,
                    "--comment", "I was acknowledging how they felt")
        assert added.code == 0, added.err
    refused = cli("disputes", "add", "loop-2", "1", "need", "--user", "priya", "--db", db)
    assert refused.code == 2 and "E036: agent 'priya' may not dispute call 'loop-2'" in refused.err
    assert cli("disputes", "add", "loop-1", "6", "offer", "--user", "priya", "--db", db).code == 0
    for dispute_id, verdict in ((1, "accept"), (2, "accept"), (3, "accept"), (4, "reject")):
        assert cli("disputes", verdict, str(dispute_id), "--user", "carol", "--db", db).code == 0

    out = tmp_path / "disputed.jsonl"
    assert cli("disputes", "export", "--db", db, "-o", out).code == 0
    disputed = {c.call_id: c for c in read_calls([str(out)])}
    assert sorted(disputed) == ["loop-1", "loop-2", "loop-3"]
    assert [t.label for t in disputed["loop-1"].turns] == [None, None, "listen.empathy"] + [None] * 5

    plain, with_disputes = tmp_path / "plain", tmp_path / "with"
    assert cli("train", *BASE, "-o", plain).code == 0
    result = cli("train", *BASE, "--include-disputes", "--db", db, "-o", with_disputes)
    assert result.code == 0 and "3 accepted dispute(s)" in result.err
    assert json.loads((with_disputes / "meta.json").read_text())["train_calls"] == 5 + 3
    assert _predict(load_model(plain), PARAPHRASE) != "listen.empathy"
    assert _predict(load_model(with_disputes), PARAPHRASE) == "listen.empathy"


@pytest.mark.parametrize("command", ["select", "export", "import", "disputes", "disputes add", "models",
                                     "models promote", "models list"])
def test_loop_commands_have_help(cli, command) -> None:
    result = cli(*command.split(), "--help")
    assert result.code == 0 and "Usage:" in result.out
