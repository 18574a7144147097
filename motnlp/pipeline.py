"""The library API over the stages: train, annotate and evaluate calls."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from .aggregate import evidence, scorecard
from .baseline import KeywordBaseline
from .calls import Call, chunked
from .classify import MotClassifier
from .errors import E, MotnlpError
from .evaluate import score
from .flags import call_flags
from .persist import load_model, read_meta, save_model
from .suggest import ProbeBank

__all__ = ["DEFAULT_MODEL", "Annotator", "cross_validate", "data_hash", "evaluate_model",
           "resolve_model", "train_model"]

#: The shipped model: ``models/default`` in the source tree, or ``$MOTNLP_MODEL``.
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "default"


def resolve_model(path: str | None) -> Path:
    """The model directory to use: ``path``, else ``$MOTNLP_MODEL``, else the shipped one.

    Either may be a registry reference ``NAME@VERSION`` (see :mod:`motnlp.registry`).
    """
    from .registry import resolve

    return resolve(path or os.environ.get("MOTNLP_MODEL")) or DEFAULT_MODEL


def data_hash(calls: Iterable[Call]) -> str:
    """SHA-256 over the calls' ids, texts and labels (order-independent)."""
    digests = sorted(hashlib.sha256(json.dumps(
        [c.call_id, [(t.speaker, t.text, t.label) for t in c.turns]], ensure_ascii=False).encode()).hexdigest()
        for c in calls)
    return hashlib.sha256("".join(digests).encode()).hexdigest()


def _strip_gold(call: Call) -> Call:
    """A copy of ``call`` without gold labels, so labels can never be features."""
    from dataclasses import replace

    return replace(call, turns=[replace(t, label=None) for t in call.turns])


class Annotator:
    """Annotates calls with a loaded model: pred/confidence, flags, scorecard, evidence.

    Parameters
    ----------
    model : MotClassifier
    info : dict
        ``{"name": ..., "version": ...}`` written into each call's ``model`` field.
    """

    def __init__(self, model: MotClassifier, info: dict, probes: ProbeBank | None = None) -> None:
        self.model = model
        self.info = info
        self.probes = probes

    @classmethod
    def load(cls, path: str | None = None) -> Annotator:
        """Load the model at ``path`` (see :func:`resolve_model`) and its probe bank."""
        directory = resolve_model(path)
        meta = read_meta(directory)
        model = load_model(directory)
        probes = None
        if (directory / "probes.json").is_file():
            try:
                probes = ProbeBank.load(directory / "probes.json", tokenizer=model.featurizer_.tokenizer)
            except (ValueError, OSError) as exc:
                raise MotnlpError(E.E022, path=str(directory / "probes.json"), detail=str(exc)) from None
        return cls(model, {"name": meta.get("name"), "version": meta.get("version")}, probes)

    def annotate(self, call: Call) -> Call:
        """Annotate one call in place and return it (gold labels are untouched)."""
        return self.annotate_many([call])[0]

    def annotate_many(self, calls: Sequence[Call]) -> list[Call]:
        """Annotate several calls in place; one model pass over all of them (faster)."""
        preds = self.model.predict([_strip_gold(call) for call in calls])
        for call, call_preds in zip(calls, preds, strict=True):
            for turn, (label, conf) in zip(call.turns, call_preds, strict=True):
                turn.pred, turn.confidence = label, round(conf, 4)
            self._aggregate(call)
        return list(calls)

    def _aggregate(self, call: Call) -> None:
        if call.flags is not None:
            call.extra["gold_flags"] = call.flags
        call.flags = call_flags(call, "pred")
        call.extra["scorecard"] = scorecard(call, call.flags)
        call.extra["evidence"] = evidence(call, call.flags)
        if self.probes is not None:
            for item in call.extra["evidence"]["missed_probe"]:
                item["suggested_probe"] = self.probes.suggest(item["requirement"]["quote"], call.lang or "zh")
        call.extra["model"] = dict(self.info)

    def annotate_all(self, calls: Iterable[Call], batch: int = 64) -> Iterator[Call]:
        """Annotate calls in order, ``batch`` at a time."""
        for chunk in chunked(calls, batch):
            yield from self.annotate_many(chunk)


def train_model(calls: Sequence[Call], out: str | Path, *, dev: Sequence[Call] = (), name: str = "motnlp",
                version: str = "1", **params: object) -> tuple[MotClassifier, dict]:
    """Train on ``calls``, score on ``dev`` (if any), save to ``out``; return model and meta."""
    if not calls:
        raise MotnlpError(E.E023, what="train on")
    model = MotClassifier(**params).fit(calls)
    meta: dict = {"training_data_sha256": data_hash(calls), "train_calls": len(calls),
                  "train_turns": sum(len(c.turns) for c in calls), "params": model.get_params()}
    if dev:
        report = evaluate_model(model, dev)
        meta["dev_calls"] = len(dev)
        meta["dev_scores"] = {k: report[k] for k in ("agent_fine_macro_f1", "agent_coarse_macro_f1",
                                                     "customer_macro_f1", "explore_probe_f1", "missed_probe_f1")}
        meta["dev_per_label"] = {
            "agent": {k: v["f1"] for k, v in report["agent_fine"]["per_label"].items()},
            "customer": {k: v["f1"] for k, v in report["customer"]["per_label"].items()}}
    save_model(model, out, name=name, version=version, meta=meta)
    ProbeBank(tokenizer=model.featurizer_.tokenizer).fit(calls).save(Path(out) / "probes.json")
    return model, meta


def evaluate_model(model: MotClassifier, calls: Sequence[Call], *, baseline: bool = True) -> dict:
    """Score ``model`` on labelled calls (and the keyword baseline beside it)."""
    labelled = [c for c in calls if any(t.label for t in c.turns)]
    if not labelled:
        raise MotnlpError(E.E023, what="evaluate on")
    preds = [[label for label, _ in row] for row in model.predict([_strip_gold(c) for c in labelled])]
    report = score(labelled, preds)
    report["calibration"] = _calibration(model, labelled)
    if baseline:
        base = score(labelled, KeywordBaseline().predict(labelled))
        report["baseline"] = {k: base[k] for k in ("agent_fine_macro_f1", "agent_coarse_macro_f1",
                                                   "customer_macro_f1", "explore_probe_f1", "missed_probe_f1")}
    return report


def _calibration(model: MotClassifier, calls: Sequence[Call], bins: int = 10) -> dict:
    """Expected calibration error of the confidences (0 is perfectly calibrated)."""
    conf, correct = [], []
    for call, row in zip(calls, model.predict([_strip_gold(c) for c in calls]), strict=True):
        for turn, (label, c) in zip(call.turns, row, strict=True):
            if turn.label:
                conf.append(c)
                correct.append(label == turn.label)
    conf_a, corr_a = np.array(conf), np.array(correct, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        mask = (conf_a > lo) & (conf_a <= hi)
        if mask.any():
            ece += mask.mean() * abs(conf_a[mask].mean() - corr_a[mask].mean())
    return {"ece": round(float(ece), 4), "mean_confidence": round(float(conf_a.mean()), 4),
            "accuracy": round(float(corr_a.mean()), 4)}


def cross_validate(calls: Sequence[Call], folds: int = 5, **params: object) -> dict:
    """Grouped-by-call k-fold cross-validation; returns pooled out-of-fold scores."""
    from sklearn.model_selection import GroupKFold

    from .tokenize import Tokenizer

    idx = np.arange(len(calls))
    preds: list[list[str] | None] = [None] * len(calls)
    tokenizer = Tokenizer()  # one jieba dictionary for every fold
    for train, test in GroupKFold(n_splits=folds).split(idx, groups=idx):
        model = MotClassifier(**params).fit([calls[i] for i in train], tokenizer=tokenizer)
        for i, row in zip(test, model.predict([_strip_gold(calls[i]) for i in test]), strict=True):
            preds[i] = [label for label, _ in row]
    return score(calls, preds)
