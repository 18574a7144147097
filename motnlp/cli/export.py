"""``motnlp export``: annotated calls → pre-annotated tasks for Label Studio or doccano."""

from __future__ import annotations

import typer

from ..annotation_tools import TOOLS, export_calls
from ..errors import E, MotnlpError
from ..io import atomic_writer
from .common import read_all, say


def export(
    inputs: list[str] = typer.Argument(None, help="Annotated JSONL (from 'motnlp annotate' or 'motnlp select')."),
    to: str = typer.Option("label-studio", "--to", help=f"Labelling tool: {', '.join(TOOLS)}."),
    output: str | None = typer.Option(None, "-o", "--output", help="Task file to write ('-' for stdout)."),
    show_config: bool = typer.Option(False, "--config", help="Print the Label Studio labelling config and exit."),
) -> int:
    """Write tasks for a labelling tool, the model's labels as pre-annotations (one choice per turn)."""
    if show_config:
        from ..labelstudio import config

        typer.echo(config(), nl=False)
        return 0
    if to not in TOOLS:
        raise MotnlpError(E.E009, fmt=to, choices=", ".join(TOOLS))
    if not inputs or output is None:
        raise MotnlpError(E.E005, field="INPUT... -o TASKS" if not inputs else "-o/--output")
    calls, report = read_all(inputs)
    if not any(t.pred for c in calls for t in c.turns):
        say("motnlp: warning: no predictions in the input; tasks have no pre-annotations (run 'motnlp annotate')")
    with atomic_writer(output) as handle:
        handle.write(export_calls(calls, to))
    say(f"motnlp: wrote {len(calls)} call(s) for {to} to {output}")
    return 3 if report.errors else 0


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command("export")(export)
