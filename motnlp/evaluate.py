"""Scoring predicted labels against gold: per-label P/R/F1, macro-F1s, flag agreement."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from .calls import Call
from .flags import LabelledTurn, compute_flags
from .labels import AGENT, AGENT_LABELS, CUSTOMER, CUSTOMER_LABELS, coarse

__all__ = ["flag_agreement", "score", "score_labels"]

COARSE_LABELS = ("explore", "offer", "do", "confirm", "listen", "other")


def score_labels(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict:
    """Per-label precision/recall/F1/support, macro-F1 and the confusion matrix."""
    if not gold:
        return {"n": 0, "macro_f1": None, "per_label": {}, "confusion": {"labels": list(labels), "matrix": []}}
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=list(labels), zero_division=0)
    present = [i for i, n in enumerate(s) if n > 0]
    return {
        "n": len(gold),
        "accuracy": round(float(np.mean([g == q for g, q in zip(gold, pred, strict=True)])), 4),
        "macro_f1": round(float(np.mean([f[i] for i in present])), 4) if present else None,
        "per_label": {lab: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                            "f1": round(float(f[i]), 4), "support": int(s[i])} for i, lab in enumerate(labels)},
        "confusion": {"labels": list(labels),
                      "matrix": confusion_matrix(gold, pred, labels=list(labels)).tolist()},
    }


def _prf(gold: set, pred: set) -> dict:
    tp = len(gold & pred)
    p = tp / len(pred) if pred else (1.0 if not gold else 0.0)
    r = tp / len(gold) if gold else (1.0 if not pred else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "gold": len(gold), "predicted": len(pred)}


def flag_agreement(calls: Sequence[Call], preds: Sequence[Sequence[str]]) -> dict:
    """Flags from predicted labels vs flags from gold labels, over all calls.

    missed_probe and missed_empathy: P/R/F1 over flagged ``(call, turn)`` pairs;
    no_confirm: accuracy and F1 over calls.
    """
    sets = {k: (set(), set()) for k in ("missed_probe", "missed_empathy", "no_confirm")}
    for call, pred in zip(calls, preds, strict=True):
        gold_f = compute_flags([LabelledTurn(t.speaker, t.label, t.start, t.end) for t in call.turns])
        pred_f = compute_flags([LabelledTurn(t.speaker, p, t.start, t.end) for t, p in zip(call.turns, pred, strict=True)])
        for key in ("missed_probe", "missed_empathy"):
            sets[key][0].update((call.call_id, i) for i in gold_f[key])
            sets[key][1].update((call.call_id, i) for i in pred_f[key])
        if gold_f["no_confirm"]:
            sets["no_confirm"][0].add(call.call_id)
        if pred_f["no_confirm"]:
            sets["no_confirm"][1].add(call.call_id)
    return {k: _prf(g, p) for k, (g, p) in sets.items()}


def _subset(calls, preds, keep) -> dict:
    pairs = [(c, p) for c, p in zip(calls, preds, strict=True) if keep(c)]
    return _summary([c for c, _ in pairs], [p for _, p in pairs]) if pairs else {}


def _summary(calls: Sequence[Call], preds: Sequence[Sequence[str]]) -> dict:
    ga, pa, gc, pc = [], [], [], []
    for call, pred in zip(calls, preds, strict=True):
        for turn, p in zip(call.turns, pred, strict=True):
            if turn.label is None:
                continue
            (ga if turn.speaker == AGENT else gc).append(turn.label)
            (pa if turn.speaker == AGENT else pc).append(p)
    fine = score_labels(ga, pa, AGENT_LABELS)
    coarse_s = score_labels([coarse(x) for x in ga], [coarse(x) for x in pa], COARSE_LABELS)
    cust = score_labels(gc, pc, CUSTOMER_LABELS)
    flags = flag_agreement(calls, preds)
    return {
        "calls": len(calls),
        "agent_fine_macro_f1": fine["macro_f1"],
        "agent_coarse_macro_f1": coarse_s["macro_f1"],
        "customer_macro_f1": cust["macro_f1"],
        "explore_probe_f1": fine["per_label"].get("explore.probe", {}).get("f1"),
        "missed_probe_f1": flags["missed_probe"]["f1"],
        "_detail": {"agent_fine": fine, "agent_coarse": coarse_s, CUSTOMER: cust, "flags": flags},
    }


def score(calls: Sequence[Call], preds: Sequence[Sequence[str]]) -> dict:
    """The full report: overall scores with detail, and per-language and per-style."""
    overall = _summary(calls, preds)
    detail = overall.pop("_detail")
    report = {**overall, **detail, "by_language": {}, "by_style": {}}
    for lang in sorted({c.lang or "?" for c in calls}):
        sub = _subset(calls, preds, lambda c, lang=lang: (c.lang or "?") == lang)
        sub.pop("_detail", None)
        report["by_language"][lang] = sub
    for style in sorted({c.style for c in calls}):
        sub = _subset(calls, preds, lambda c, style=style: c.style == style)
        sub.pop("_detail", None)
        report["by_style"][style] = sub
    return report
