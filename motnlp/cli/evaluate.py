"""``motnlp evaluate``."""

from __future__ import annotations

import typer


def evaluate() -> None:
    """Not yet available."""
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command("evaluate")(evaluate)
