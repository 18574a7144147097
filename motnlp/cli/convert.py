"""``motnlp convert``: any supported transcript format to contract JSONL."""

from __future__ import annotations

import typer

from ..io import FORMATS, ReadReport, write_jsonl
from ..redact import redact_call
from .common import INPUTS, fail_if_nothing, read_inputs, say, warn_skipped


def convert(
    inputs: list[str] = INPUTS,
    output: str = typer.Option(..., "-o", "--output", help="Output JSONL ('-' for stdout)."),
    fmt: str | None = typer.Option(None, "--format", help=f"Input format: {', '.join(FORMATS)}."),
    speakers: str | None = typer.Option(None, "--speakers",
                                        help="Speaker map, e.g. spk_0=agent,spk_1=customer."),
    encoding: str | None = typer.Option(None, "--encoding", help="Input encoding (e.g. gbk)."),
    redact: bool = typer.Option(False, "--redact", help="Mask phone/ID/card numbers, emails, addresses."),
) -> int:
    """Convert transcripts to contract JSONL, with each call's language filled in."""
    report = ReadReport()
    calls = read_inputs(inputs, report, fmt=fmt, speakers=speakers, encoding=encoding)
    count = write_jsonl(map(redact_call, calls) if redact else calls, output)
    warn_skipped(report)
    fail_if_nothing(report)
    say(f"motnlp: converted {count} call(s) to {output}; {len(report.errors)} skipped")
    return 3 if report.errors else 0


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command("convert")(convert)
