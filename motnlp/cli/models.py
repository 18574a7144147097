"""``motnlp models list`` and ``motnlp models promote``: the model registry."""

from __future__ import annotations

import json

import typer

from ..registry import SCORE, list_models, promote
from .common import read_all, say

app = typer.Typer(help="List model versions and promote one to be the default.", no_args_is_help=True)
MODELS_DIR = typer.Option(None, "--models-dir", help="Models directory (default: $MOTNLP_MODELS_DIR or models/).")


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


@app.command("list")
def list_(
    directory: str | None = MODELS_DIR,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON list."),
) -> int:
    """Every NAME@VERSION with its creation time, training data and dev scores; * marks the default."""
    rows = list_models(directory)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    typer.echo(f"  {'model':24}{'created':27}{'calls':>7}{'agent F1':>10}{'cust F1':>9}  data")
    for row in rows:
        mark = "*" if row["default"] else " "
        ref = row["ref"] + (f" (= {row['promoted_from']})" if row["promoted_from"] else "")
        typer.echo(f"{mark} {ref:24}{row['created'] or '-':27}{row['train_calls'] or '-':>7}"
                   f"{_fmt(row[SCORE]):>10}{_fmt(row['customer_macro_f1']):>9}  {row['data_sha256']}")
    return 0


@app.command("promote")
def promote_(
    ref: str = typer.Argument(..., help="NAME@VERSION (or NAME@latest) to make the default."),
    directory: str | None = MODELS_DIR,
    dev: list[str] = typer.Option([], "--dev", help="Labelled dev data: re-evaluate both models on it."),
    force: bool = typer.Option(False, "--force", help="Promote even if its dev score is worse."),
) -> int:
    """Copy a model version to DIR/default, unless its dev agent fine macro-F1 is worse than the default's."""
    dev_calls = read_all(dev)[0] if dev else []
    record = promote(ref, directory, dev=dev_calls, force=force)
    scores = record["scores"]
    say(f"motnlp: promoted {record['from']} to default ({SCORE} {_fmt(scores['candidate'])}, "
        f"previous {_fmt(scores['previous'])}{', forced' if record['forced'] else ''})")
    return 0


def register(root: typer.Typer) -> None:
    """Add the command group to ``root``."""
    root.add_typer(app, name="models")
