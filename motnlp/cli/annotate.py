"""``motnlp annotate``: label every turn, compute flags, scorecard and evidence."""

from __future__ import annotations

import sys
import time

import typer

from ..batch import annotate_batch
from ..io import FORMATS, ReadReport, SpeakerMap, dumps
from ..pipeline import Annotator
from ..redact import redact_call
from .common import INPUTS, read_inputs, say, warn_skipped


def _to_stdout(inputs, model, fmt, speakers, encoding, redact: bool) -> tuple[int, ReadReport]:
    annotator = Annotator.load(model)
    report = ReadReport()
    count = 0
    calls = read_inputs(inputs, report, fmt=fmt, speakers=speakers, encoding=encoding)
    if redact:
        calls = map(redact_call, calls)
    for call in annotator.annotate_all(calls):
        sys.stdout.write(dumps(call) + "\n")
        count += 1
    sys.stdout.flush()
    warn_skipped(report)
    return count, report


def annotate(
    inputs: list[str] = INPUTS,
    output: str = typer.Option(..., "-o", "--output", help="Output JSONL ('-' for stdout)."),
    model: str | None = typer.Option(None, "--model", help="Model directory (default: shipped)."),
    fmt: str | None = typer.Option(None, "--format", help=f"Input format: {', '.join(FORMATS)}."),
    speakers: str | None = typer.Option(None, "--speakers", help="Speaker map, e.g. spk_0=agent."),
    encoding: str | None = typer.Option(None, "--encoding", help="Input encoding (e.g. gbk)."),
    jobs: int = typer.Option(1, "--jobs", "-j", help="Local worker processes (joblib/loky)."),
    chunk_size: int = typer.Option(64, "--chunk-size", help="Calls per chunk (and per checkpoint)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run into the same OUT."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
    redact: bool = typer.Option(False, "--redact", help="Mask phone/ID/card numbers, emails, addresses."),
    db: str | None = typer.Option(None, "--db", help="Also store the annotated calls in this database "
                                  "(redacted), e.g. sqlite:///motnlp.db."),
) -> int:
    """Annotate transcripts: pred and confidence per turn; flags, scorecard, evidence per call.

    Calls that cannot be read or annotated go to OUT.rejects.jsonl with file, line and
    reason; the good calls are all written. Exit status: 0 when every call was
    annotated, 3 when some were rejected, 2 on a usage error.
    """
    started = time.perf_counter()
    speaker_map = SpeakerMap.parse(speakers)
    if output == "-":
        count, report = _to_stdout(inputs, model, fmt, speakers, encoding, redact)
        if not quiet:
            say(f"motnlp: {report.calls + len(report.errors)} call(s) read, {count} annotated, "
                f"{len(report.errors)} rejected, {time.perf_counter() - started:.1f}s")
        return 3 if report.errors else 0
    bar = None
    if not quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(unit="call", desc="annotate", file=sys.stderr)
    try:
        result = annotate_batch(inputs, output, model=model, jobs=jobs, chunk_size=chunk_size, resume=resume,
                                scheduler=scheduler, fmt=fmt, speakers=speaker_map, encoding=encoding,
                                progress=bar.update if bar else None, redact=redact)
    finally:
        if bar:
            bar.close()
    if db:
        from ..io import read_calls
        from ..store import Store

        stored = Store(db).ingest(read_calls([output], fmt="jsonl"))
        if not quiet:
            say(f"motnlp: stored {stored} call(s) in {db}")
    if not quiet:
        if result.resumed_chunks:
            say(f"motnlp: resumed after {result.resumed_chunks} chunk(s) already written")
        if result.rejected:
            say(f"motnlp: rejected calls are listed in {output}.rejects.jsonl")
        say(f"motnlp: {result.summary()}")
    return 3 if result.rejected else 0


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command("annotate")(annotate)
