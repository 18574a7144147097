"""Options and helpers shared by the command files."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import typer

from ..calls import Call
from ..errors import E, MotnlpError
from ..io import ReadReport, SpeakerMap, read_calls

__all__ = ["INPUTS", "fail_if_nothing", "read_all", "read_inputs", "say", "select_split", "warn_skipped"]

INPUTS = typer.Argument(..., help="Input files or directories; '-' reads standard input.")


def say(message: str) -> None:
    """A status line for the user, on standard error (standard output may be data)."""
    sys.stderr.write(message + "\n")


def warn_skipped(report: ReadReport, limit: int = 20) -> None:
    """Print one line per skipped call (first ``limit``) and a summary."""
    for exc in report.errors[:limit]:
        say(f"motnlp: skipped: {exc.one_line()}")
    if len(report.errors) > limit:
        say(f"motnlp: ... and {len(report.errors) - limit} more skipped")


def read_inputs(inputs: list[str], report: ReadReport, *, fmt: str | None = None,
                speakers: str | None = None, encoding: str | None = None) -> Iterator[Call]:
    """Read calls from the command's inputs, collecting skipped ones in ``report``."""
    speaker_map = SpeakerMap.parse(speakers)
    yield from read_calls(inputs, fmt=fmt, speakers=speaker_map, encoding=encoding, report=report)


def fail_if_nothing(report: ReadReport) -> None:
    """Raise the first error when no call at all could be read."""
    if report.calls == 0 and report.errors:
        first: MotnlpError = report.errors[0]
        raise first


def read_all(inputs: list[str]) -> tuple[list[Call], ReadReport]:
    """Every call of the command's JSONL inputs, as a list.

    Skipped calls are printed; when no call at all could be read, the first error is
    raised. The report is returned for the command's exit status.
    """
    report = ReadReport()
    calls = list(read_inputs(inputs, report, fmt="jsonl"))
    warn_skipped(report)
    fail_if_nothing(report)
    return calls, report


def select_split(calls: list[Call], splits: str | None, part: str | None) -> list[Call]:
    """Keep the calls in ``part`` (``train``/``dev``) of the ``splits`` file, if given."""
    if not splits or not part:
        return calls
    from ..corpus import load_split

    table = load_split(splits)
    if part not in table:
        raise MotnlpError(E.E013, path=splits, field=part, kind="a list of call ids in the file")
    keep = set(table[part])
    return [c for c in calls if c.call_id in keep]
