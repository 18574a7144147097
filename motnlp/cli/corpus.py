"""``motnlp corpus validate|stats``."""

from __future__ import annotations

import typer

app = typer.Typer(help="Check and count labelled corpus calls.", no_args_is_help=True)
