"""Batch annotation at scale: streaming, chunked, parallel, distributed, resumable.

Inputs are read lazily and cut into chunks of ``chunk_size`` input items (calls, or
calls that could not be read). Chunks are annotated in process, on ``jobs`` local
worker processes (joblib, loky backend, the model loaded once per worker), or on a
Dask cluster (the annotator scattered once to every worker). Results are written in
input order to ``OUT.partial``; after every chunk a checkpoint records how far the
output got, so ``resume=True`` after a crash or ``kill -9`` continues where it
stopped. The final file appears by atomic rename. Calls that cannot be read or
annotated go to ``OUT.rejects.jsonl`` with their source file:line and reason.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from .calls import Call, chunked
from .errors import MotnlpError
from .io import SpeakerMap, expand_inputs, fill_lang, read_file, streams_jsonl
from .io.jsonl import parse_call_line
from .io.source import iter_lines
from .pipeline import Annotator, resolve_model
from .redact import redact_call

__all__ = ["BatchResult", "annotate_batch"]

log = logging.getLogger(__name__)
CHECKPOINT_VERSION = 1
_WORKER_ANNOTATORS: dict[str, Annotator] = {}  # one loaded model per worker process


@dataclass(frozen=True)
class _RawLine:
    """A JSONL line read but not parsed: workers parse it, so the reader stays cheap."""

    path: str
    line: int
    text: str


def _raw_lines(path: str, encoding: str | None) -> Iterator[_RawLine | MotnlpError]:
    try:
        for lineno, text in iter_lines(path, encoding):
            if text.strip():
                yield _RawLine(path, lineno, text)
    except MotnlpError as exc:
        yield exc


@dataclass
class BatchResult:
    """What a batch run did."""

    read: int = 0
    annotated: int = 0
    rejected: int = 0
    seconds: float = 0.0
    resumed_chunks: int = 0

    def summary(self) -> str:
        """The final one-line summary."""
        return (f"{self.read} call(s) read, {self.annotated} annotated, {self.rejected} rejected, "
                f"{self.seconds:.1f}s")


def _reject_line(source: str | None, line: int | None, code: str, reason: str, call_id: str | None = None) -> str:
    record = {"source": source, "line": line, "call_id": call_id, "code": code, "reason": reason}
    return json.dumps(record, ensure_ascii=False)


def _payload(items: list[Call | _RawLine | MotnlpError]) -> list[dict]:
    """A chunk as plain data for a worker: raw lines, calls as dicts, read errors as rejects."""
    out = []
    for item in items:
        if isinstance(item, MotnlpError):
            out.append({"reject": _reject_line(item.path, item.line, item.code.name, item.message)})
        elif isinstance(item, _RawLine):
            out.append({"line": item.text, "source": [item.path, item.line]})
        else:
            out.append({"call": item.to_dict(), "source": list(item.source or ("", 0))})
    return out


def _parse_item(item: dict, redact: bool) -> Call:
    if "line" in item:
        call = fill_lang(parse_call_line(item["line"], *item["source"]))
    else:
        call = Call.from_dict(item["call"], source=tuple(item["source"]))
    return redact_call(call) if redact else call


_ANNOTATE_ERRORS = (MotnlpError, ValueError, IndexError, KeyError, TypeError, MemoryError, RecursionError)


def annotate_payload(annotator: Annotator, payload: list[dict], redact: bool = False) -> list[tuple[str, str]]:
    """Annotate one chunk; return ``("ok"|"reject", json line)`` per item, in order.

    The chunk's calls go through the model together; if that fails, they are retried
    one by one so that one bad call is rejected and the others are still written.
    ``redact`` masks PII in the calls before annotation (see :mod:`motnlp.redact`).
    """
    results: list[tuple[str, str] | None] = [None] * len(payload)
    calls: dict[int, Call] = {}
    for k, item in enumerate(payload):
        if "reject" in item:
            results[k] = ("reject", item["reject"])
            continue
        try:
            calls[k] = _parse_item(item, redact)
        except MotnlpError as exc:
            results[k] = ("reject", _reject_line(exc.path, exc.line, exc.code.name, exc.message))
        except _ANNOTATE_ERRORS as exc:
            results[k] = _annotate_reject(item, exc)
    try:
        list(annotator.annotate_all(calls.values()))
        done = calls
    except _ANNOTATE_ERRORS:
        done = {}
        for k, call in calls.items():
            try:  # from a fresh copy: the failed pass may have annotated this call halfway
                done[k] = annotator.annotate(_parse_item(payload[k], redact))
            except _ANNOTATE_ERRORS as exc:
                results[k] = _annotate_reject(payload[k], exc, call.call_id)
    for k, call in done.items():
        results[k] = ("ok", json.dumps(call.to_dict(), ensure_ascii=False))
    return [r for r in results if r is not None]


def _annotate_reject(item: dict, exc: BaseException, call_id: str | None = None) -> tuple[str, str]:
    source = tuple(item.get("source") or ("", 0))
    log.warning("could not annotate %s:%s: %s", source[0], source[1], exc)
    if call_id is None and isinstance(item.get("call"), dict):
        call_id = item["call"].get("call_id")
    return "reject", _reject_line(source[0], source[1], "annotate", f"annotation failed: {exc}", call_id)


def _worker_annotate(model: str, payload: list[dict], redact: bool) -> list[tuple[str, str]]:
    if model not in _WORKER_ANNOTATORS:
        _WORKER_ANNOTATORS[model] = Annotator.load(model)
    return annotate_payload(_WORKER_ANNOTATORS[model], payload, redact)


class _Checkpoint:
    """Progress of one output file: chunks done and the byte sizes they reached."""

    def __init__(self, out: Path, key: dict) -> None:
        self.path = out.with_name(out.name + ".checkpoint")
        self.key = key
        self.state = {"chunks": 0, "out_bytes": 0, "rejects_bytes": 0, "read": 0, "annotated": 0, "rejected": 0}

    def load(self) -> bool:
        """Read a matching checkpoint; False when there is none or it is for other inputs."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return False
        if data.get("key") != self.key:
            log.warning("checkpoint %s is for other inputs or settings; starting over", self.path)
            return False
        self.state.update(data["state"])
        return True

    def save(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"version": CHECKPOINT_VERSION, "key": self.key, "state": self.state}))
        os.replace(tmp, self.path)


def _run_local(chunks: Iterable[list[dict]], model: str, jobs: int, redact: bool):
    if jobs <= 1:
        local = Annotator.load(model)
        for payload in chunks:
            yield annotate_payload(local, payload, redact)
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=jobs, backend="loky", return_as="generator", pre_dispatch="2*n_jobs")
    yield from parallel(delayed(_worker_annotate)(model, payload, redact) for payload in chunks)


def _run_dask(chunks: Iterable[list[dict]], model: str, scheduler: str | None, redact: bool, window: int = 8):
    from distributed import Client

    client = Client(scheduler) if isinstance(scheduler, str) else scheduler
    try:
        annotator = client.scatter(Annotator.load(model), broadcast=True)
        pending: deque = deque()
        for payload in chunks:
            pending.append(client.submit(annotate_payload, annotator, payload, redact, pure=False))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        if isinstance(scheduler, str):
            client.close()


def annotate_batch(inputs: list[str], output: str, *, model: str | None = None, jobs: int = 1,
                   chunk_size: int = 64, resume: bool = False, scheduler: object = None,
                   fmt: str | None = None, speakers: SpeakerMap | None = None, encoding: str | None = None,
                   progress: Callable[[int], None] | None = None, redact: bool = False) -> BatchResult:
    """Annotate ``inputs`` into ``output`` (a file path) in chunks; see the module docs.

    ``scheduler`` is a Dask scheduler address (``tcp://host:8786``) or a
    ``distributed.Client``; when given, chunks run on that cluster.
    ``progress`` is called with the number of calls finished after each chunk.
    ``redact`` masks PII in turn texts before annotation (see :mod:`motnlp.redact`).
    """
    started = time.perf_counter()
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    model_dir = str(resolve_model(model))
    paths = expand_inputs(inputs, fmt)
    key = {"inputs": [os.path.abspath(p) for p in paths], "chunk_size": chunk_size, "model": model_dir, "redact": redact,
           "format": fmt, "speakers": speakers.mapping if speakers else {}}
    partial = out.with_name(out.name + ".partial")
    rejects_partial = out.with_name(out.name + ".rejects.partial")
    checkpoint = _Checkpoint(out, key)
    resumed = resume and checkpoint.load() and partial.exists()
    for path, size in ((partial, checkpoint.state["out_bytes"]), (rejects_partial, checkpoint.state["rejects_bytes"])):
        with open(path, "a+b") as handle:
            handle.truncate(size if resumed else 0)
    if not resumed:
        checkpoint.state = {k: 0 for k in checkpoint.state}
    done = checkpoint.state["chunks"]

    def items() -> Iterator[Call | _RawLine | MotnlpError]:
        for path in paths:
            if streams_jsonl(path, fmt, encoding):
                yield from _raw_lines(path, encoding)
            else:
                yield from read_file(path, fmt=fmt, speakers=speakers, encoding=encoding)

    chunks = chunked(items(), chunk_size)
    for _ in islice(chunks, done):  # already written before the crash
        pass
    payloads = (_payload(chunk) for chunk in chunks)
    runner = (_run_dask(payloads, model_dir, scheduler, redact) if scheduler is not None
              else _run_local(payloads, model_dir, jobs, redact))
    state = checkpoint.state
    with open(partial, "ab") as out_f, open(rejects_partial, "ab") as rej_f:
        for results in runner:
            for kind, line in results:
                (out_f if kind == "ok" else rej_f).write((line + "\n").encode("utf-8"))
                state["annotated" if kind == "ok" else "rejected"] += 1
            state["read"] += len(results)
            for handle in (out_f, rej_f):
                handle.flush()
                os.fsync(handle.fileno())
            state["chunks"] += 1
            state["out_bytes"], state["rejects_bytes"] = out_f.tell(), rej_f.tell()
            checkpoint.save()
            if progress:
                progress(len(results))
    os.replace(partial, out)
    rejects = out.with_name(out.name + ".rejects.jsonl")
    if state["rejected"]:
        os.replace(rejects_partial, rejects)
    else:
        rejects_partial.unlink(missing_ok=True)
        rejects.unlink(missing_ok=True)
    checkpoint.path.unlink(missing_ok=True)
    return BatchResult(read=state["read"], annotated=state["annotated"], rejected=state["rejected"],
                       seconds=time.perf_counter() - started, resumed_chunks=done if resumed else 0)
