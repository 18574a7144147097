"""Active learning: choose the calls most worth a labeller's time.

Three strategies:

``uncertainty``
    Each turn's uncertainty is the mean of its *margin uncertainty* (1 minus the gap
    between the two most probable labels of its speaker's set) and its *normalised
    entropy* (entropy over the speaker's labels divided by its maximum). A call scores the
    mean of its ``top_k`` most uncertain turns, so one confusing moment counts even in a
    long, otherwise easy call. The highest-scoring calls are chosen.
``diverse``
    Calls are picked one at a time, each time the call whose domain, agent and language
    have been picked least so far (in that order), so the selection spreads over all
    three; ties are broken by a seeded shuffle (or by uncertainty, under ``mixed``).
``mixed``
    The ``pool_factor * n`` most uncertain calls, then a diverse pick among them, with
    uncertainty breaking ties: uncertain calls, not all from one agent or domain.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from .calls import Call
from .classify import MotClassifier
from .errors import E, MotnlpError
from .labels import AGENT, AGENT_LABELS

__all__ = ["STRATEGIES", "call_uncertainty", "select_calls", "select_diverse", "select_uncertain",
           "turn_uncertainty"]

STRATEGIES = ("uncertainty", "diverse", "mixed")


def turn_uncertainty(probs: np.ndarray, speakers: Sequence[str]) -> np.ndarray:
    """Per-turn uncertainty in [0, 1] from :meth:`MotClassifier.predict_proba` rows."""
    n_agent = len(AGENT_LABELS)
    out = np.zeros(len(speakers))
    for i, speaker in enumerate(speakers):
        p = probs[i, :n_agent] if speaker == AGENT else probs[i, n_agent:]
        p = np.clip(p / max(p.sum(), 1e-12), 1e-12, 1.0)
        top = np.sort(p)[::-1]
        margin = 1.0 - (top[0] - top[1])
        entropy = float(-(p * np.log(p)).sum() / np.log(len(p)))
        out[i] = 0.5 * margin + 0.5 * entropy
    return out


def call_uncertainty(model: MotClassifier, calls: Sequence[Call], *, top_k: int = 3) -> list[float]:
    """Each call's uncertainty: the mean of its ``top_k`` most uncertain turns (0 for no turns)."""
    from .pipeline import _strip_gold

    scores = []
    for call, probs in zip(calls, model.predict_proba([_strip_gold(c) for c in calls]), strict=True):
        if not call.turns:
            scores.append(0.0)
            continue
        per_turn = np.sort(turn_uncertainty(probs, [t.speaker for t in call.turns]))[::-1]
        scores.append(round(float(per_turn[:top_k].mean()), 6))
    return scores


def select_uncertain(calls: Sequence[Call], scores: Sequence[float], n: int) -> list[int]:
    """Indices of the ``n`` most uncertain calls (ties: input order)."""
    order = sorted(range(len(calls)), key=lambda i: (-scores[i], i))
    return order[:n]


def select_diverse(calls: Sequence[Call], n: int, *, scores: Sequence[float] | None = None,
                   seed: int = 0, among: Sequence[int] | None = None) -> list[int]:
    """Indices of ``n`` calls spread over domains, agents and languages (greedy, deterministic)."""
    pool = list(range(len(calls)) if among is None else among)
    shuffle = np.random.RandomState(seed).permutation(len(calls))
    counts: dict[str, Counter] = {key: Counter() for key in ("domain", "agent_id", "lang")}
    chosen: list[int] = []

    def cost(i: int) -> tuple:
        seen = tuple(counts[key][getattr(calls[i], key)] for key in counts)
        return (*seen, -(scores[i] if scores is not None else 0.0), shuffle[i])

    while pool and len(chosen) < n:
        best = min(pool, key=cost)
        pool.remove(best)
        chosen.append(best)
        for key in counts:
            counts[key][getattr(calls[best], key)] += 1
    return chosen


def select_calls(calls: Sequence[Call], n: int, *, strategy: str = "mixed", model: MotClassifier | None = None,
                 seed: int = 0, pool_factor: int = 3) -> list[tuple[int, float | None]]:
    """Choose ``n`` calls; return ``(index, uncertainty)`` in selection order.

    Raises
    ------
    MotnlpError
        E009 for an unknown strategy; E013 when ``n`` is not positive.
    """
    if strategy not in STRATEGIES:
        raise MotnlpError(E.E009, fmt=strategy, choices=", ".join(STRATEGIES))
    if n < 1:
        raise MotnlpError(E.E013, field="--n", kind="a positive number")
    scores = call_uncertainty(model, calls) if model is not None and strategy != "diverse" else None
    if strategy != "diverse" and scores is None:
        raise MotnlpError(E.E013, field="model", kind=f"given for the {strategy!r} strategy")
    if strategy == "uncertainty":
        picked = select_uncertain(calls, scores, n)
    elif strategy == "diverse":
        picked = select_diverse(calls, n, seed=seed)
    else:
        pool = select_uncertain(calls, scores, max(n * pool_factor, n))
        picked = select_diverse(calls, n, scores=scores, seed=seed, among=pool)
    return [(i, scores[i] if scores is not None else None) for i in picked]
