"""The classifier: training, safe persistence, evaluation on a fixture with known scores."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from motnlp.classify import MotClassifier
from motnlp.errors import E, MotnlpError
from motnlp.evaluate import score, score_labels
from motnlp.io import read_calls
from motnlp.persist import load_model, save_model
from motnlp.pipeline import Annotator, train_model

from .conftest import DATA


@pytest.fixture(scope="module")
def calls():
    return list(read_calls([str(DATA / "roaming.jsonl"), str(DATA / "tiny_en.jsonl")]))


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, calls):
    path = tmp_path_factory.mktemp("model") / "m"
    train_model(calls, path, dev=calls, cv=2, min_df=1)
    return path


def test_predictions_use_the_speakers_label_set(calls) -> None:
    model = MotClassifier(cv=2, min_df=1).fit(calls)
    for call, row in zip(calls, model.predict(calls), strict=True):
        for turn, (label, conf) in zip(call.turns, row, strict=True):
            allowed = ("requirement", "need", "feeling", "info", "feedback", "other")
            assert (label in allowed) == (turn.speaker == "customer") or label == "other"
            assert 0.0 <= conf <= 1.0
    probs = model.predict_proba(calls[:1])[0]
    assert np.allclose(probs.sum(axis=1), 1.0)


def test_fit_learns_the_training_data(calls) -> None:
    model = MotClassifier(cv=2, min_df=1).fit(calls)
    gold = [t.label for c in calls for t in c.turns]
    pred = [label for row in model.predict(calls) for label, _ in row]
    assert np.mean([g == p for g, p in zip(gold, pred, strict=True)]) > 0.9


def test_save_load_gives_identical_predictions(model_dir, calls) -> None:
    loaded = load_model(model_dir)
    again = load_model(model_dir)
    assert loaded.predict(calls) == again.predict(calls)
    meta = json.loads((model_dir / "meta.json").read_text())
    assert meta["dev_scores"]["agent_fine_macro_f1"] is not None
    assert set(meta) >= {"name", "version", "created", "training_data_sha256", "labels", "libraries"}


def test_in_memory_and_loaded_models_agree(tmp_path, calls) -> None:
    model = MotClassifier(cv=2, min_df=1).fit(calls)
    save_model(model, tmp_path / "m")
    assert load_model(tmp_path / "m").predict(calls) == model.predict(calls)


@pytest.mark.parametrize("damage", ["flip_byte", "truncate", "foreign_json", "missing", "pickle"])
def test_tampered_model_is_refused(tmp_path, model_dir, damage) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(model_dir, bad)
    npz = bad / "model.npz"
    if damage == "flip_byte":
        data = bytearray(npz.read_bytes())
        data[len(data) // 2] ^= 0xFF
        npz.write_bytes(bytes(data))
    elif damage == "truncate":
        npz.write_bytes(npz.read_bytes()[:100])
    elif damage == "foreign_json":
        (bad / "model.json").write_text(json.dumps({"hello": "world"}))
    elif damage == "missing":
        npz.unlink()
    else:  # a pickle posing as the arrays, with a matching checksum in model.json
        import hashlib
        import pickle

        blob = pickle.dumps({"idf": [1.0]})
        npz.write_bytes(blob)
        spec = json.loads((bad / "model.json").read_text())
        spec["arrays_sha256"] = hashlib.sha256(blob).hexdigest()
        (bad / "model.json").write_text(json.dumps(spec))
    with pytest.raises(MotnlpError) as info:
        load_model(bad)
    assert info.value.code is E.E022


@pytest.mark.parametrize(("key", "value", "message"), [
    ("format_version", 2, "unsupported format version 2"),
    ("format_version", [5], "unsupported format version"),
    ("context_weight", "0.5", "bad params"),
    ("context_weight", None, "bad params"),
    ("own_words", "no", "bad params"),
    ("two_pass", 1, "bad params"),
])
def test_bad_spec_values_are_refused(tmp_path, model_dir, key, value, message) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(model_dir, bad)
    spec = json.loads((bad / "model.json").read_text())
    (spec if key == "format_version" else spec["params"])[key] = value
    (bad / "model.json").write_text(json.dumps(spec))
    with pytest.raises(MotnlpError, match=message) as info:
        load_model(bad)
    assert info.value.code is E.E022


def test_settings_changed_after_fit_do_not_change_the_fitted_model(tmp_path, calls) -> None:
    model = MotClassifier(cv=2, min_df=1).fit(calls)
    before = model.predict(calls)
    model.set_params(context_weight=0.1, own_words=False)
    assert model.predict(calls) == before
    save_model(model, tmp_path / "m")
    assert load_model(tmp_path / "m").predict(calls) == before


@pytest.mark.parametrize("version", [3, 4])
def test_older_format_models_read_as_they_were_trained(tmp_path, calls, version) -> None:
    """Format 3 had no context_weight (unscaled context); 3 and 4 had no words-only layer."""
    weight = 1.0 if version == 3 else 0.5
    model = MotClassifier(cv=2, min_df=1, context_weight=weight, own_words=False).fit(calls)
    save_model(model, tmp_path / "m")
    spec = json.loads((tmp_path / "m" / "model.json").read_text())
    spec["format_version"] = version
    del spec["params"]["own_words"]
    if version == 3:
        del spec["params"]["context_weight"]
    (tmp_path / "m" / "model.json").write_text(json.dumps(spec))
    old = load_model(tmp_path / "m")
    assert (old.context_weight, old.own_words, old.words_) == (weight, False, None)
    assert old.predict(calls) == model.predict(calls)


def test_words_only_layer_reads_nothing_but_the_turn(calls) -> None:
    import copy

    model = MotClassifier(cv=2, min_df=1).fit(calls)
    assert set(model.words_) == {"agent", "customer"}
    call = calls[0]
    changed = copy.deepcopy(call)
    changed.turns[1].text = "completely different words here"

    def own(c):
        base = model.featurizer_.base(c)
        return model._distribution(np.array([t.speaker for t in c.turns]), model._words_block(base), model.words_)

    before, after = own(call), own(changed)
    assert not np.allclose(before[1], after[1])
    assert np.allclose(np.delete(before, 1, axis=0), np.delete(after, 1, axis=0))


def test_context_weight_changes_what_the_second_pass_learns(calls) -> None:
    full = MotClassifier(cv=2, min_df=1, context_weight=1.0).fit(calls)
    damped = MotClassifier(cv=2, min_df=1, context_weight=0.2).fit(calls)
    assert np.array_equal(full.pass1_["agent"].coef, damped.pass1_["agent"].coef)
    assert not np.allclose(full.pass2_["agent"].coef, damped.pass2_["agent"].coef)


def test_annotator_keeps_gold_labels_and_adds_outputs(model_dir, calls) -> None:
    annotator = Annotator.load(str(model_dir))
    call = annotator.annotate(read_calls([str(DATA / "roaming.jsonl")]).__next__())
    out = call.to_dict()
    assert [t["label"] for t in out["turns"]] == ["other", "requirement", "do", "other"]
    assert all("pred" in t and 0 <= t["confidence"] <= 1 for t in out["turns"])
    assert set(out["flags"]) == {"missed_probe", "no_confirm", "missed_empathy", "interruptions"}
    assert out["model"]["name"] == "motnlp" and "phases" in out["scorecard"]


def test_gold_labels_are_never_features(model_dir) -> None:
    annotator = Annotator.load(str(model_dir))
    a = next(read_calls([str(DATA / "roaming.jsonl")]))
    b = next(read_calls([str(DATA / "roaming.jsonl")]))
    for turn in b.turns:
        turn.label = "need" if turn.speaker == "customer" else "explore.probe"
    assert [t.pred for t in annotator.annotate(a).turns] == [t.pred for t in annotator.annotate(b).turns]


def test_score_labels_known_values() -> None:
    gold = ["offer", "offer", "do", "do"]
    pred = ["offer", "do", "do", "do"]
    result = score_labels(gold, pred, ["offer", "do"])
    # offer: P 1, R .5, F1 .6667; do: P 2/3, R 1, F1 .8
    assert result["per_label"]["offer"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert result["per_label"]["do"]["f1"] == 0.8
    assert result["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2, abs=1e-4)
    assert result["confusion"]["matrix"] == [[1, 1], [0, 2]]


def test_score_on_fixture_with_known_flag_agreement(calls) -> None:
    preds = [[t.label for t in c.turns] for c in calls]
    perfect = score(calls, preds)
    assert perfect["agent_fine_macro_f1"] == 1.0 and perfect["missed_probe_f1"] == 1.0
    # roam-c's probe read as a clarify and its need as info: its requirement becomes a
    # false missed probe. Gold flags three requirements (roam-a, roam-b, en-2).
    preds[2][2], preds[2][3] = "explore.clarify", "info"
    worse = score(calls, preds)
    assert worse["flags"]["missed_probe"] == {"precision": 0.75, "recall": 1.0, "f1": 0.8571,
                                              "gold": 3, "predicted": 4}
    # probe: 1 of 2 gold found, no false positive -> P 1, R .5, F1 .6667
    assert worse["explore_probe_f1"] == 0.6667


def test_context_block_is_scaled_by_its_weight(calls) -> None:
    from motnlp.featurize import CONTEXT_COLUMNS, TurnFeaturizer

    model = MotClassifier(cv=2, min_df=1).fit(calls)
    base = model.featurizer_.base(calls[0])
    probs = model.predict_proba(calls[:1])[0]
    full = TurnFeaturizer.with_context(base, calls[0], probs).toarray()
    half = TurnFeaturizer.with_context(base, calls[0], probs, 0.5).toarray()
    assert np.allclose(half[:, :-CONTEXT_COLUMNS], full[:, :-CONTEXT_COLUMNS])
    assert np.allclose(half[:, -CONTEXT_COLUMNS:], 0.5 * full[:, -CONTEXT_COLUMNS:])
    assert full[:, -CONTEXT_COLUMNS:].any()


def test_empty_calls_get_empty_rows_and_leave_the_others_alone(model_dir, calls) -> None:
    import dataclasses

    model = load_model(model_dir)
    empty = dataclasses.replace(calls[0], turns=[])
    mixed = model.predict_proba([empty, calls[0], empty, calls[1]])
    alone = model.predict_proba(calls[:2])
    assert [m.shape[0] for m in mixed] == [0, len(calls[0].turns), 0, len(calls[1].turns)]
    assert np.allclose(mixed[1], alone[0]) and np.allclose(mixed[3], alone[1])
