"""``motnlp evaluate``: score a model on labelled calls."""

from __future__ import annotations

import json

import typer

from ..io import ReadReport
from ..persist import load_model
from ..pipeline import cross_validate, evaluate_model, resolve_model
from .common import INPUTS, fail_if_nothing, read_inputs, select_split, warn_skipped


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


def evaluate(
    inputs: list[str] = INPUTS,
    model: str | None = typer.Option(None, "--model", help="Model directory (default: shipped)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    splits: str | None = typer.Option(None, "--splits", help="splits.json to take --split from."),
    split: str | None = typer.Option(None, "--split", help="Which part of --splits to score (e.g. dev)."),
    cv: int = typer.Option(0, "--cv", help="Grouped-by-call k-fold cross-validation instead."),
) -> int:
    """Per-label P/R/F1, macro-F1s, coarse phases, confusion matrix and flag agreement."""
    report_in = ReadReport()
    calls = list(read_inputs(inputs, report_in, fmt="jsonl"))
    warn_skipped(report_in)
    fail_if_nothing(report_in)
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
