"""``make bench``: speed and memory, as ratios against references measured in the same run.

Prints, for Chinese text drawn from the corpus (or the samples):

* tokenization throughput of the project API vs bare ``jieba.lcut`` (goal ≥ 0.8×);
* annotation throughput (tokenize + features + two-pass model + flags) vs bare
  ``jieba.lcut`` over the same text, single process (goal ≥ 0.5×);
* model load time (goal < 1 s) and peak memory while annotating;
* the batch benchmarks of :mod:`motnlp.benchscale` (``--jobs 2`` and Dask vs
  ``--jobs 1``, peak RSS at 1,000 vs 50,000 calls, a transformer forward pass).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from .calls import Call
from .io import read_calls
from .pipeline import Annotator, resolve_model
from .tokenize import Tokenizer

__all__ = ["main"]


def _zh_calls(sources: list[str]) -> list[Call]:
    calls = [c for c in read_calls(sources, fmt="jsonl") if c.lang == "zh"]
    if not calls:
        raise SystemExit("motnlp bench: no Chinese calls found in " + ", ".join(sources))
    return calls


def _best_of(*fns, repeats: int = 5) -> list[float]:
    """Best time of each function over ``repeats`` rounds, the functions interleaved in each
    round so that a slow spell of the machine hits them all alike."""
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            started = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - started)
    return best


def bench_tokenize(lines: list[str]) -> dict:
    """Project tokenizer vs bare jieba.lcut over the same lines."""
    import jieba

    jieba.setLogLevel(40)
    jieba.lcut("预热")
    tokenizer = Tokenizer()
    tokenizer.tokenize("预热", "zh")
    bare, bare_no_hmm, ours = _best_of(lambda: [jieba.lcut(x) for x in lines],
                                       lambda: [jieba.lcut(x, HMM=False) for x in lines],
                                       lambda: [tokenizer.tokenize(x, "zh") for x in lines], repeats=3)
    return {"jieba_s": bare, "jieba_nohmm_s": bare_no_hmm, "motnlp_s": ours, "ratio": bare / ours,
            "ratio_nohmm": bare_no_hmm / ours, "hmm": tokenizer.hmm}


def bench_annotate(calls: list[Call], model: str | None) -> dict:
    """Model load time, annotation throughput vs jieba.lcut, peak RSS."""
    import jieba

    started = time.perf_counter()
    annotator = Annotator.load(model)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    annotator.model.featurizer_.tokenizer.tokenize("预热", "zh")
    dict_s = time.perf_counter() - started
    started = time.perf_counter()
    jieba.Tokenizer().initialize()
    bare_dict_s = time.perf_counter() - started
    texts = [t.text for c in calls for t in c.turns]
    bare, bare_no_hmm, ours = _best_of(lambda: [jieba.lcut(x) for x in texts],
                                       lambda: [jieba.lcut(x, HMM=False) for x in texts],
                                       lambda: list(annotator.annotate_all(calls)))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    chars = sum(len(x) for x in texts)
    return {"load_s": load_s, "dict_s": dict_s, "bare_dict_s": bare_dict_s, "jieba_s": bare, "annotate_s": ours,
            "ratio": bare / ours, "ratio_nohmm": bare_no_hmm / ours,
            "calls_per_s": len(calls) / ours, "turns_per_s": len(texts) / ours,
            "chars": chars, "peak_rss_mb": peak_mb}


def _batch_benches(args: argparse.Namespace, sources: list[str], turns_per_s: float, out) -> None:
    from .benchscale import bench_jobs, bench_rss, bench_torch

    calls = list(read_calls(sources, fmt="jsonl"))
    jobs = bench_jobs(calls, args.model, n=args.jobs_calls)
    sec = jobs["seconds"]
    out.write(f"batch {jobs['calls']} calls: --jobs 1 {sec['jobs1']:.1f}s, --jobs 2 {sec['jobs2']:.1f}s "
              f"(ratio {jobs['jobs2_ratio']:.2f}x, goal >= 1.7x), Dask LocalCluster(2) {sec['dask']:.1f}s "
              f"(ratio {jobs['dask_ratio']:.2f}x); outputs identical: {jobs['identical']}\n")
    out.flush()
    if args.scale:
        rss = bench_rss(calls, args.model, sizes=(1000, args.scale))
        small, large = rss[1000], rss[args.scale]
        out.write(f"peak RSS: 1000 calls {small['peak_rss_mb']:.0f} MB ({small['seconds']:.0f}s), {args.scale} calls "
                  f"{large['peak_rss_mb']:.0f} MB ({large['seconds']:.0f}s); ratio "
                  f"{large['peak_rss_mb'] / small['peak_rss_mb']:.2f}x (goal: flat, < 400 MB)\n")
    torch = bench_torch([c for c in calls if c.lang == "zh"], args.torch_python) if args.torch_python else None
    if torch is None or "error" in torch:
        out.write(f"transformer comparison skipped: {torch['error'] if torch else 'no torch interpreter'} "
                  "(make bench sets up .venv-bench)\n")
    else:
        out.write(f"BERT-base-size forward pass (torch {torch['torch']}, {torch['threads']} threads, "
                  f"{torch['parameters'] / 1e6:.0f}M parameters): {torch['turns_per_s']:.1f} turns/s; motnlp annotate "
                  f"{turns_per_s:.0f} turns/s; ratio {turns_per_s / torch['turns_per_s']:.0f}x (goal >= 100x)\n")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print one line per measurement."""
    parser = argparse.ArgumentParser(prog="python -m motnlp.bench")
    parser.add_argument("sources", nargs="*", default=["corpus", "samples"])
    parser.add_argument("--model", default=None)
    parser.add_argument("--mb", type=float, default=1.0, help="MB of Chinese text for tokenization")
    parser.add_argument("--scale", type=int, default=50000, help="calls for the large memory run (0: skip it)")
    parser.add_argument("--jobs-calls", type=int, default=12000, help="calls for the --jobs/Dask comparison")
    parser.add_argument("--torch-python", default=".venv-bench/bin/python",
                        help="interpreter with torch for the transformer comparison")
    parser.add_argument("--no-batch", action="store_true", help="skip the batch/scale benchmarks")
    args = parser.parse_args(argv)
    sources = [s for s in args.sources if Path(s).exists()]
    calls = _zh_calls(sources)
    lines = [t.text for c in calls for t in c.turns]
    target, text_lines, size = int(args.mb * 1_000_000), [], 0
    while size < target:
        for line in lines:
            text_lines.append(line)
            size += len(line.encode("utf-8"))
            if size >= target:
                break
    tok = bench_tokenize(text_lines)
    out = sys.stdout
    out.write(f"tokenize {size / 1e6:.2f} MB zh: jieba.lcut {tok['jieba_s']:.2f}s, motnlp {tok['motnlp_s']:.2f}s, "
              f"ratio {tok['ratio']:.2f}x (goal >= 0.8x); motnlp runs jieba with HMM={tok['hmm']}: vs "
              f"jieba.lcut(HMM=False) {tok['jieba_nohmm_s']:.2f}s, ratio {tok['ratio_nohmm']:.2f}x\n")
    ann = bench_annotate(calls, args.model)
    out.write(f"model {resolve_model(args.model)} load {ann['load_s']:.2f}s (goal < 1s); jieba dictionary on the "
              f"first Chinese turn {ann['dict_s']:.2f}s (bare jieba.Tokenizer().initialize() {ann['bare_dict_s']:.2f}s)\n")
    out.write(f"annotate {len(calls)} zh calls ({ann['chars']} chars): jieba.lcut {ann['jieba_s']:.3f}s, "
              f"annotate {ann['annotate_s']:.3f}s, ratio {ann['ratio']:.2f}x (goal >= 0.5x), "
              f"{ann['calls_per_s']:.0f} calls/s; vs jieba.lcut(HMM=False) {ann['ratio_nohmm']:.2f}x\n")
    out.write(f"peak RSS of this process (tokenize + annotate benches) {ann['peak_rss_mb']:.0f} MB\n")
    out.flush()
    if not args.no_batch:
        _batch_benches(args, sources, ann["turns_per_s"], out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
