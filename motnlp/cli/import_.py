"""``motnlp import``: a labelling tool's export → contract JSONL with gold labels."""

from __future__ import annotations

import typer

from ..annotation_tools import TOOLS, import_file
from ..calls import Call
from ..errors import E, MotnlpError
from ..io import ReadReport, write_jsonl
from .common import fail_if_nothing, read_inputs, say, warn_skipped


def _originals(paths: list[str]) -> dict[str, Call] | None:
    if not paths:
        return None
    report = ReadReport()
    calls: dict[str, Call] = {}
    for call in read_inputs(paths, report, fmt="jsonl"):
        if call.call_id in calls:
            raise MotnlpError(E.E021, path=call.source[0] if call.source else None,
                              line=call.source[1] if call.source else None, call_id=call.call_id,
                              where=calls[call.call_id].where)
        calls[call.call_id] = call
    warn_skipped(report)
    fail_if_nothing(report)
    return calls


def import_(
    export: str = typer.Argument(..., help="The tool's export: Label Studio JSON or doccano JSONL/JSON."),
    source: str = typer.Option(..., "--from", help=f"Labelling tool: {', '.join(TOOLS)}."),
    output: str = typer.Option(..., "-o", "--output", help="Labelled JSONL to write ('-' for stdout)."),
    calls: list[str] = typer.Option([], "--calls", help="The calls that were exported: texts are checked "
                                    "against them and all their fields kept (repeatable)."),
    allow_unlabelled: bool = typer.Option(False, "--allow-unlabelled", help="Skip (and list) calls nobody "
                                          "labelled instead of failing."),
) -> int:
    """Read labelled tasks back: every turn must carry exactly one label of its speaker's set."""
    if source not in TOOLS:
        raise MotnlpError(E.E009, fmt=source, choices=", ".join(TOOLS))
    skipped: list[str] = []
    labelled = import_file(export, source, _originals(calls), allow_unlabelled=allow_unlabelled, skipped=skipped)
    for line in skipped:
        say(f"motnlp: skipped: {line}")
    count = write_jsonl(labelled, output)
    say(f"motnlp: wrote {count} labelled call(s), {sum(len(c.turns) for c in labelled)} turn(s) to {output}")
    return 0


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command("import")(import_)
