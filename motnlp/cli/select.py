"""``motnlp select``: pick the calls most worth labelling next (active learning)."""

from __future__ import annotations

import typer

from ..active import STRATEGIES, select_calls
from ..io import write_jsonl
from ..pipeline import Annotator
from .common import INPUTS, read_all, say


def select(
    inputs: list[str] = INPUTS,
    n: int = typer.Option(50, "--n", help="How many calls to select."),
    strategy: str = typer.Option("mixed", "--strategy", help=f"One of: {', '.join(STRATEGIES)}."),
    output: str = typer.Option(..., "-o", "--output", help="Annotated JSONL of the selected calls, ready for "
                               "'motnlp export'."),
    model: str | None = typer.Option(None, "--model", help="Model directory or NAME@VERSION (default: shipped)."),
    seed: int = typer.Option(0, "--seed", help="Seed for breaking ties in the diverse pick."),
) -> int:
    """Select calls by model uncertainty, by spread over domains/agents/languages, or both.

    Calls whose every turn already has a gold label are left out. The selected calls are
    annotated with the model (predictions become the labelling tool's pre-annotations)
    and carry an "active" field: strategy, rank and uncertainty.
    """
    calls, report = read_all(inputs)
    pool = [c for c in calls if c.turns and not all(t.label for t in c.turns)]
    if len(pool) < len(calls):
        say(f"motnlp: left out {len(calls) - len(pool)} call(s) that are already labelled or empty")
    annotator = Annotator.load(model)
    picked = select_calls(pool, n, strategy=strategy, model=annotator.model, seed=seed)
    chosen = []
    for rank, (index, score) in enumerate(picked, start=1):
        call = annotator.annotate(pool[index])
        call.extra["active"] = {"strategy": strategy, "rank": rank, "uncertainty": score}
        chosen.append(call)
    write_jsonl(chosen, output)
    say(f"motnlp: selected {len(chosen)} of {len(pool)} call(s) ({strategy}) into {output}")
    return 3 if report.errors else 0


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command("select")(select)
