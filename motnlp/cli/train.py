"""``motnlp train``: train a model on labelled calls."""

from __future__ import annotations

import time

import typer

from ..errors import E, MotnlpError
from ..pipeline import train_model
from ..store import DEFAULT_URL
from .common import INPUTS, read_all, say, select_split


def train(
    inputs: list[str] = INPUTS,
    output: str | None = typer.Option(None, "-o", "--output", help="Model directory to write."),
    dev: list[str] = typer.Option([], "--dev", help="Labelled dev data to score on (repeatable)."),
    splits: str | None = typer.Option(None, "--splits", help="splits.json: train on its 'train' "
                                      "calls and score on its 'dev' calls."),
    name: str = typer.Option("motnlp", "--name", help="Model name for meta.json."),
    version: str = typer.Option("1", "--version", help="Model version for meta.json (ignored with --models-dir)."),
    c: float = typer.Option(1.0, "--C", help="Regularisation of the linear models."),
    context_weight: float = typer.Option(1.0, "--context-weight", help="Scale of the second pass's "
                                         "neighbour-label columns (lower leans more on the turn's own words)."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    models_dir: str | None = typer.Option(None, "--models-dir", help="Registry: write DIR/NAME/VERSION with "
                                          "the next version number instead of -o."),
    include_disputes: bool = typer.Option(False, "--include-disputes", help="Add accepted agent disputes "
                                          "from --db as gold labels."),
    db: str = typer.Option(DEFAULT_URL, "--db", help="Database URL for --include-disputes."),
) -> int:
    """Train a model on labelled calls (JSONL with gold labels)."""
    if (output is None) == (models_dir is None):
        raise MotnlpError(E.E005, field="-o/--output or --models-dir (exactly one)")
    started = time.perf_counter()
    calls, _ = read_all(inputs)
    dev_calls = read_all(dev)[0] if dev else []  # skipped dev calls are reported too
    if splits:
        dev_calls = dev_calls or select_split(calls, splits, "dev")
        calls = select_split(calls, splits, "train")
    if include_disputes:
        from ..disputes import apply_disputes
        from ..store import Store

        calls, added = apply_disputes(calls, Store(db))
        say(f"motnlp: {added} accepted dispute(s) from {db} added as gold labels")
    say(f"motnlp: training on {len(calls)} call(s), {sum(len(x.turns) for x in calls)} turn(s)")
    if models_dir is not None:
        from ..registry import train_version

        path, version, meta = train_version(calls, models_dir, name, dev=dev_calls, C=c,
                                             context_weight=context_weight, random_state=seed)
        output = f"{path} ({name}@{version})"
    else:
        _, meta = train_model(calls, output, dev=dev_calls, name=name, version=version, C=c,
                              context_weight=context_weight, random_state=seed)
    say(f"motnlp: saved {output} in {time.perf_counter() - started:.1f}s")
    for key, value in meta.get("dev_scores", {}).items():
        say(f"  dev {key}: {value}")
    return 0


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command("train")(train)
