"""Batch benchmarks for ``make bench``: parallel speed-up, memory at scale, transformer cost.

Each measurement is a ratio against a reference run in the same ``make bench``:

* ``--jobs 2`` and a Dask ``LocalCluster(2)`` against ``--jobs 1`` over the same calls;
* peak RSS of ``motnlp annotate`` over 1,000 and over 50,000 calls (each in its own
  process), which must stay flat because annotation streams in chunks;
* annotation throughput against a BERT-base-size transformer forward pass over the
  same turns on the same CPU (random weights: it is the cost that is compared). The
  transformer runs with the interpreter named by ``--torch-python`` (a separate
  environment, so that torch never enters the runtime environment: spaCy's thinc
  imports torch when it can, which would slow every ``motnlp`` start-up).

Scale data is made by repeating corpus calls under new call ids.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .batch import annotate_batch
from .calls import Call

__all__ = ["bench_jobs", "bench_rss", "bench_torch", "write_scale_file"]

_TORCH_SCRIPT = Path(__file__).with_name("bench_transformer.py")


def write_scale_file(calls: Sequence[Call], n: int, path: Path) -> Path:
    """Write ``n`` calls to ``path`` by cycling ``calls`` under new ids (gold labels kept)."""
    with path.open("w", encoding="utf-8") as fh:
        for k in range(n):
            record = calls[k % len(calls)].to_dict()
            record["call_id"] = f"{record['call_id']}~{k}"
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _timed_batch(src: Path, out: Path, model: str | None, **kwargs: object) -> float:
    started = time.perf_counter()
    result = annotate_batch([str(src)], str(out), model=model, **kwargs)
    if result.rejected:
        raise RuntimeError(f"bench run rejected {result.rejected} call(s)")
    return time.perf_counter() - started


def bench_jobs(calls: Sequence[Call], model: str | None, n: int = 12000) -> dict:
    """Throughput of ``--jobs 1``, ``--jobs 2`` and a 2-worker Dask LocalCluster; outputs compared."""
    from distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        src = write_scale_file(calls, n, Path(tmp) / "in.jsonl")
        outs = {name: Path(tmp) / f"{name}.jsonl" for name in ("jobs1", "jobs2", "dask")}
        seconds = {"jobs1": _timed_batch(src, outs["jobs1"], model, jobs=1),
                   "jobs2": _timed_batch(src, outs["jobs2"], model, jobs=2)}
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster):
            seconds["dask"] = _timed_batch(src, outs["dask"], model, scheduler=cluster.scheduler_address)
        reference = outs["jobs1"].read_bytes()
        identical = all(outs[k].read_bytes() == reference for k in ("jobs2", "dask"))
    return {"calls": n, "seconds": seconds, "identical": identical,
            "jobs2_ratio": seconds["jobs1"] / seconds["jobs2"], "dask_ratio": seconds["jobs1"] / seconds["dask"]}


# The child reports its own high-water mark from /proc (VmHWM), not getrusage: on Linux
# ru_maxrss survives exec, so a child started from a big parent would report the parent's size.
_RSS_CHILD = """
import resource, sys
from motnlp.batch import annotate_batch
annotate_batch([sys.argv[1]], sys.argv[2], model=sys.argv[3] or None, jobs=1)
try:
    with open("/proc/self/status") as status:
        print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024)
except (OSError, StopIteration):
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def bench_rss(calls: Sequence[Call], model: str | None, sizes: Sequence[int] = (1000, 50000)) -> dict:
    """Peak RSS (MB) and seconds of a fresh annotate process for each size."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            src = write_scale_file(calls, n, Path(tmp) / f"in{n}.jsonl")
            started = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", _RSS_CHILD, str(src), str(Path(tmp) / f"out{n}.jsonl"),
                                   model or ""], capture_output=True, text=True, check=True)
            out[n] = {"peak_rss_mb": float(proc.stdout.strip().splitlines()[-1]),
                      "seconds": time.perf_counter() - started}
            src.unlink()
    return out


def bench_torch(calls: Sequence[Call], torch_python: str | None, max_turns: int = 256) -> dict | None:
    """Turns/s of a BERT-base-size forward pass over the calls' turns, or None without torch."""
    if not torch_python or not Path(torch_python).exists():
        return None
    lengths = [len(t.text) for c in calls for t in c.turns][:max_turns]
    proc = subprocess.run([torch_python, "-I", str(_TORCH_SCRIPT), json.dumps(lengths)], capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])
