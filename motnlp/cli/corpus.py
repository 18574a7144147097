"""``motnlp corpus validate|stats|flags|split``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from .. import corpus as lib
from ..io import atomic_writer
from .common import say

app = typer.Typer(help="Check, count and maintain labelled corpus calls.", no_args_is_help=True)
PATHS = typer.Argument(..., help="Corpus JSONL files or directories.")


@app.command("validate")
def validate(paths: list[str] = PATHS) -> int:
    """Check schema, labels, speaker/label consistency, stored flags, duplicate turns."""
    n_calls, errors = lib.validate(paths)
    for exc in errors:
        say(f"motnlp: error: {exc.one_line()}")
    say(f"motnlp: {n_calls} call(s) checked, {len(errors)} problem(s)")
    return 1 if errors else 0


@app.command("stats")
def stats(
    paths: list[str] = PATHS,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    splits: str | None = typer.Option(None, "--splits", help="splits.json to count (default: "
                                      "splits.json beside the first directory given)."),
) -> int:
    """Calls, turns, per-language per-label counts, domains, styles, trigger-word shares."""
    split_path = Path(splits) if splits else Path(paths[0]) / "splits.json"
    split = lib.load_split(split_path) if split_path.is_file() else None
    result = lib.stats(paths, split=split)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    typer.echo(f"calls {result['calls']}  turns {result['turns']}  agents {result['agents']}  "
               f"domains {len(result['domains'])}  styles {result['styles']}")
    for lang, entry in sorted(result["languages"].items()):
        typer.echo(f"[{lang}] calls {entry['calls']} turns {entry['turns']} timed {entry['timed_calls']}")
        for speaker, labels in entry["labels"].items():
            typer.echo(f"  {speaker}: " + ", ".join(f"{k} {v}" for k, v in sorted(labels.items())))
    for lang, by_sp in result["trigger_words"].items():
        for speaker, by_label in by_sp.items():
            for label, info in sorted(by_label.items()):
                typer.echo(f"  trigger [{lang}/{speaker}] {label:20} {info['word']!r:14} "
                           f"share {info['share']:.2f} precision {info['precision']:.2f}")
    for check, ok in result["minimums"]["checks"].items():
        if not ok:
            typer.echo(f"  NOT MET: {check}")
    typer.echo("all minimums met" if result["minimums"]["met"] else "some minimums not met")
    return 0


@app.command("flags")
def flags(paths: list[str] = PATHS) -> int:
    """Recompute every call's gold flags from its labels and rewrite the files."""
    say(f"motnlp: wrote gold flags for {lib.apply_gold_flags(paths)} call(s)")
    return 0


@app.command("split")
def split(
    paths: list[str] = PATHS,
    output: str = typer.Option(..., "-o", "--output", help="Where to write splits.json."),
    dev_share: float = typer.Option(0.2, "--dev-share"),
    seed: int = typer.Option(13, "--seed"),
    keep: str | None = typer.Option(None, "--keep", help="An earlier splits.json: its calls stay where they "
                                    "are; only new calls are split."),
) -> int:
    """Write a train/dev split by call, stratified by language and style."""
    result = lib.make_split(paths, dev_share=dev_share, seed=seed, keep=lib.load_split(keep) if keep else None)
    with atomic_writer(output) as handle:
        json.dump(result, handle, indent=1)
        handle.write("\n")
    say(f"motnlp: train {len(result['train'])}, dev {len(result['dev'])} call(s) -> {output}")
    return 0


@app.command("agreement")
def agreement(
    paths: list[str] = PATHS,
    relabel: str = typer.Option(..., "--relabel", help='JSONL of {"call_id", "labels": [...]} from a blind relabel.'),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> int:
    """Cohen's kappa between the corpus labels and a blind relabel (agent and customer)."""
    from ..io import read_calls
    from ..io.source import read_text

    relabels = {}
    for lineno, line in enumerate(read_text(relabel).split("\n"), 1):
        if line.strip():
            try:
                item = json.loads(line)
                relabels[item["call_id"]] = item["labels"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise lib.MotnlpError(lib.E.E003, path=relabel, line=lineno, detail=str(exc)) from None
    result = lib.agreement(read_calls(paths, fmt="jsonl"), relabels)
    typer.echo(json.dumps(result, ensure_ascii=False, indent=1 if as_json else None))
    return 0
