"""``motnlp annotate``: label every turn, compute flags, scorecard and evidence."""

from __future__ import annotations

import json
import time

import typer

from ..errors import MotnlpError
from ..io import FORMATS, ReadReport, atomic_writer, dumps
from ..pipeline import Annotator
from .common import INPUTS, read_inputs, say, warn_skipped


def _write_rejects(path: str, errors: list[MotnlpError]) -> None:
    with atomic_writer(path) as handle:
        for exc in errors:
            record = {"source": exc.path, "line": exc.line, "code": exc.code.name, "reason": exc.message}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def annotate(
    inputs: list[str] = INPUTS,
    output: str = typer.Option(..., "-o", "--output", help="Output JSONL ('-' for stdout)."),
    model: str | None = typer.Option(None, "--model", help="Model directory (default: shipped)."),
    fmt: str | None = typer.Option(None, "--format", help=f"Input format: {', '.join(FORMATS)}."),
    speakers: str | None = typer.Option(None, "--speakers", help="Speaker map, e.g. spk_0=agent."),
    encoding: str | None = typer.Option(None, "--encoding", help="Input encoding (e.g. gbk)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary line."),
) -> int:
    """Annotate transcripts: pred and confidence per turn; flags, scorecard, evidence per call.

    Calls that cannot be read go to OUT.rejects.jsonl with file, line and reason.
    Exit status: 0 when every call was annotated, 3 when some were rejected.
    """
    started = time.perf_counter()
    annotator = Annotator.load(model)
    report = ReadReport()
    count = 0
    with atomic_writer(output) as handle:
        for call in annotator.annotate_all(read_inputs(inputs, report, fmt=fmt, speakers=speakers,
                                                       encoding=encoding)):
            handle.write(dumps(call) + "\n")
            count += 1
    if report.errors:
        warn_skipped(report)
        if output != "-":
            _write_rejects(f"{output}.rejects.jsonl", report.errors)
    if not quiet:
        say(f"motnlp: {report.calls} call(s) read, {count} annotated, {len(report.errors)} rejected, "
            f"{time.perf_counter() - started:.1f}s")
    return 3 if report.errors else 0


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command("annotate")(annotate)
