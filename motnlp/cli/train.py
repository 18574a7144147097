"""``motnlp train``: train a model on labelled calls."""

from __future__ import annotations

import time

import typer

from ..io import ReadReport
from ..pipeline import train_model
from .common import INPUTS, fail_if_nothing, read_inputs, say, select_split, warn_skipped


def train(
    inputs: list[str] = INPUTS,
    output: str = typer.Option(..., "-o", "--output", help="Model directory to write."),
    dev: list[str] = typer.Option([], "--dev", help="Labelled dev data to score on (repeatable)."),
    splits: str | None = typer.Option(None, "--splits", help="splits.json: train on its 'train' "
                                      "calls and score on its 'dev' calls."),
    name: str = typer.Option("motnlp", "--name", help="Model name for meta.json."),
    version: str = typer.Option("1", "--version", help="Model version for meta.json."),
    c: float = typer.Option(1.0, "--C", help="Regularisation of the linear models."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
) -> int:
    """Train a model on labelled calls (JSONL with gold labels)."""
    started = time.perf_counter()
    report = ReadReport()
    calls = list(read_inputs(inputs, report, fmt="jsonl"))
    warn_skipped(report)
    fail_if_nothing(report)
    dev_calls = list(read_inputs(dev, report, fmt="jsonl")) if dev else []
    if splits:
        dev_calls = dev_calls or select_split(calls, splits, "dev")
        calls = select_split(calls, splits, "train")
    say(f"motnlp: training on {len(calls)} call(s), {sum(len(x.turns) for x in calls)} turn(s)")
    _, meta = train_model(calls, output, dev=dev_calls, name=name, version=version, C=c, random_state=seed)
    say(f"motnlp: saved {output} in {time.perf_counter() - started:.1f}s")
    for key, value in meta.get("dev_scores", {}).items():
        say(f"  dev {key}: {value}")
    return 0


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command("train")(train)
