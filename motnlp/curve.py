"""Learning curve: how much do more labelled calls help?

Trains on growing, nested shares of the training calls (10 %, 25 %, 50 %, 100 % by
default, in one fixed seeded order) and scores every model on the same dev calls, so
the curve shows whether labelling more calls is still worth it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from markupsafe import escape

from .calls import Call
from .classify import MotClassifier
from .errors import E, MotnlpError

__all__ = ["FRACTIONS", "curve_svg", "holdout", "learning_curve"]

FRACTIONS = (0.1, 0.25, 0.5, 1.0)
SERIES = (("agent_fine_macro_f1", "agent fine macro-F1", "#2a6ebb"),
          ("customer_macro_f1", "customer macro-F1", "#c0504d"))


def holdout(calls: Sequence[Call], *, share: float = 0.2, seed: int = 0) -> tuple[list[Call], list[Call]]:
    """Split ``calls`` into train and dev (``share`` of them, at least one) in a seeded order."""
    order = np.random.RandomState(seed).permutation(len(calls))
    n_dev = max(1, round(share * len(calls)))
    dev = sorted(order[:n_dev])
    return [calls[i] for i in sorted(order[n_dev:])], [calls[i] for i in dev]


def learning_curve(train: Sequence[Call], dev: Sequence[Call], *, fractions: Sequence[float] = FRACTIONS,
                   seed: int = 0, min_calls: int = 2, **params: Any) -> list[dict[str, Any]]:
    """Train on each fraction of ``train`` and score on ``dev``; one row per fraction.

    Parameters
    ----------
    train, dev : sequence of Call
        Labelled calls. Each subset is the first ``round(fraction * n)`` calls (at least
        ``min_calls``) of one permutation drawn with ``seed``, so the subsets are nested.
    **params
        :class:`~motnlp.classify.MotClassifier` parameters (``random_state`` is ``seed``).

    Returns
    -------
    list of dict
        ``fraction``, ``calls``, ``turns``, ``agent_fine_macro_f1``, ``customer_macro_f1``,
        ``agent_coarse_macro_f1``.
    """
    from .pipeline import evaluate_model
    from .tokenize import Tokenizer

    labelled = [c for c in train if any(t.label for t in c.turns)]
    if len(labelled) < min_calls:
        raise MotnlpError(E.E038, need=min_calls, n=len(labelled))
    order = np.random.RandomState(seed).permutation(len(labelled))
    tokenizer = Tokenizer()
    rows: list[dict[str, Any]] = []
    for fraction in fractions:
        size = min(len(labelled), max(min_calls, round(fraction * len(labelled))))
        subset = [labelled[i] for i in order[:size]]
        if rows and rows[-1]["calls"] == size:  # the same subset as the last fraction: same scores
            rows.append({**rows[-1], "fraction": fraction})
            continue
        model = MotClassifier(**{"random_state": seed, **params}).fit(subset, tokenizer=tokenizer)
        report = evaluate_model(model, dev, baseline=False)
        rows.append({"fraction": fraction, "calls": size, "turns": sum(len(c.turns) for c in subset),
                     **{key: report[key] for key in ("agent_fine_macro_f1", "customer_macro_f1",
                                                     "agent_coarse_macro_f1")}})
    return rows


def curve_svg(rows: Sequence[dict[str, Any]], title: str = "Learning curve (dev macro-F1)") -> str:
    """An SVG line chart of the macro-F1s against the number of training calls."""
    width, height, pad = 520, 280, 48
    top, right = 28, width - 150
    x_max = max((r["calls"] for r in rows), default=1) or 1

    def x(calls: float) -> float:
        return pad + (right - pad) * calls / x_max

    def y(f1: float) -> float:
        return height - pad - (height - pad - top) * f1

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<text x="{pad}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<line x1="{pad}" y1="{y(tick):.1f}" x2="{right}" y2="{y(tick):.1f}" stroke="#ddd"/>'
                     f'<text x="{pad - 6}" y="{y(tick) + 4:.1f}" font-size="10" text-anchor="end">{tick:.2f}</text>')
    for calls in sorted({r["calls"] for r in rows}):
        parts.append(f'<text x="{x(calls):.1f}" y="{height - pad + 14}" font-size="10" '
                     f'text-anchor="middle">{int(calls)}</text>')
    parts.append(f'<text x="{(pad + right) / 2:.1f}" y="{height - 10}" font-size="11" text-anchor="middle">'
                 f"training calls</text>")
    for k, (key, label, colour) in enumerate(SERIES):
        points = [(x(r["calls"]), y(r[key])) for r in rows if r.get(key) is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        parts += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for px, py in points]
        parts.append(f'<line x1="{right + 12}" y1="{top + 8 + 18 * k}" x2="{right + 30}" y2="{top + 8 + 18 * k}" '
                     f'stroke="{colour}" stroke-width="2"/><text x="{right + 34}" y="{top + 12 + 18 * k}" '
                     f'font-size="10">{escape(label)}</text>')
    parts.append(f'<line x1="{pad}" y1="{height - pad}" x2="{right}" y2="{height - pad}" stroke="#888"/>'
                 f'<line x1="{pad}" y1="{top}" x2="{pad}" y2="{height - pad}" stroke="#888"/></svg>')
    return "".join(parts) + "\n"
