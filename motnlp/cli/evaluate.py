"""``motnlp evaluate``: score a model on labelled calls."""

from __future__ import annotations

import json

import typer

from ..persist import load_model
from ..pipeline import cross_validate, evaluate_model, resolve_model
from .common import INPUTS, read_all, select_split


def _print_table(report: dict) -> None:
    keys = ("agent_fine_macro_f1", "agent_coarse_macro_f1", "customer_macro_f1", "explore_probe_f1",
            "missed_probe_f1")
    typer.echo(f"{'score':26}{'model':>8}{'baseline':>10}")
    for key in keys:
        base = report.get("baseline", {}).get(key)
        typer.echo(f"{key:26}{report[key] or 0:8.3f}{'' if base is None else f'{base:10.3f}'}")
    for group in ("by_language", "by_style"):
        for name, sub in report.get(group, {}).items():
            typer.echo(f"  {name:8} fine {sub['agent_fine_macro_f1'] or 0:.3f}  coarse "
                       f"{sub['agent_coarse_macro_f1'] or 0:.3f}  customer {sub['customer_macro_f1'] or 0:.3f}  "
                       f"calls {sub['calls']}")
    for part in ("agent_fine", "customer"):
        typer.echo(f"{part}:")
        for label, s in report[part]["per_label"].items():
            typer.echo(f"  {label:20} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  n {s['support']}")
    for flag, s in report["flags"].items():
        typer.echo(f"flag {flag:15} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}")


def _learning_curve(calls: list, splits: str | None, plot: str | None, as_json: bool, seed: int) -> int:
    """Train on 10/25/50/100 % of the training calls, score on the dev calls, print and plot."""
    from ..curve import curve_svg, holdout, learning_curve
    from ..io import atomic_writer
    from .common import say

    calls = [c for c in calls if any(t.label for t in c.turns)]
    if splits:
        train, dev = select_split(calls, splits, "train"), select_split(calls, splits, "dev")
    else:
        train, dev = holdout(calls, seed=seed)
        say(f"motnlp: no --splits: holding out {len(dev)} of {len(calls)} labelled call(s) as dev (seed {seed})")
    rows = learning_curve(train, dev, seed=seed)
    if plot:
        with atomic_writer(plot) as handle:
            handle.write(curve_svg(rows))
    if as_json:
        typer.echo(json.dumps({"dev_calls": len(dev), "curve": rows}, ensure_ascii=False, indent=1))
        return 0
    typer.echo(f"{'share':>6}{'calls':>7}{'turns':>7}{'agent fine':>12}{'customer':>10}   (dev: {len(dev)} calls)")
    for row in rows:
        typer.echo(f"{row['fraction']:6.0%}{row['calls']:7}{row['turns']:7}{row['agent_fine_macro_f1'] or 0:12.3f}"
                   f"{row['customer_macro_f1'] or 0:10.3f}")
    return 0


def evaluate(
    inputs: list[str] = INPUTS,
    model: str | None = typer.Option(None, "--model", help="Model directory (default: shipped)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    splits: str | None = typer.Option(None, "--splits", help="splits.json to take --split from."),
    split: str | None = typer.Option(None, "--split", help="Which part of --splits to score (e.g. dev)."),
    cv: int = typer.Option(0, "--cv", help="Grouped-by-call k-fold cross-validation instead."),
    curve: bool = typer.Option(False, "--learning-curve", help="Train on 10/25/50/100 % of the training calls "
                               "(--splits, else a seeded 80/20 holdout) and score each on the dev calls."),
    plot: str | None = typer.Option(None, "--plot", help="With --learning-curve: write the curve as SVG."),
    seed: int = typer.Option(0, "--seed", help="With --learning-curve: seed for the subsets and the holdout."),
) -> int:
    """Per-label P/R/F1, macro-F1s, coarse phases, confusion matrix and flag agreement."""
    calls, _ = read_all(inputs)
    if curve:
        return _learning_curve(calls, splits, plot, as_json, seed)
    calls = select_split(calls, splits, split)
    if cv:
        report = cross_validate(calls, folds=cv)
        report["cv_folds"] = cv
    else:
        path = resolve_model(model)
        report = evaluate_model(load_model(path), calls)
        report["model"] = str(path)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        _print_table(report)
    return 0


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command("evaluate")(evaluate)
