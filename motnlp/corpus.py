"""The labelled corpus: validation, statistics, gold flags and the train/dev split."""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from .calls import Call
from .errors import E, MotnlpError
from .flags import call_flags
from .io import ReadReport, dumps, expand_inputs, read_calls, read_file
from .labels import AGENT, CUSTOMER, labels_for
from .normalize import Normalizer
from .tokenize import Tokenizer

__all__ = ["MINIMUMS", "apply_gold_flags", "check_minimums", "load_split", "make_split",
           "stats", "validate"]

MIN_TURNS, MAX_TURNS = 12, 40
MAX_SHARED = 1 / 3
CORPUS_FIELDS = ("lang", "domain", "agent_id", "style")

#: Per-language label minimums (the corpus issue's acceptance).
MINIMUMS: dict[str, dict[str, int]] = {
    AGENT: {"explore.probe": 150, "explore.clarify": 150, "offer": 60, "do": 60, "confirm": 60,
            "listen.backchannel": 60, "listen.paraphrase": 60, "listen.empathy": 60,
            "listen.note": 60, "other": 60},
    CUSTOMER: {"requirement": 60, "need": 120, "feeling": 90, "info": 60, "feedback": 90, "other": 60},
}


def _call_errors(call: Call) -> list[MotnlpError]:
    path, line = call.source or (None, None)
    errors = []
    for key in CORPUS_FIELDS:
        value = call.extra.get(key) if key == "style" else getattr(call, key)
        if value is None:
            errors.append(MotnlpError(E.E005, path=path, line=line, field=key))
    if not MIN_TURNS <= len(call.turns) <= MAX_TURNS:
        errors.append(MotnlpError(E.E024, path=path, line=line, n=len(call.turns),
                                  lo=MIN_TURNS, hi=MAX_TURNS))
    if call.extra.get("style", "clean") not in ("clean", "asr"):
        errors.append(MotnlpError(E.E013, path=path, line=line, field="style", kind="'clean' or 'asr'"))
    for i, turn in enumerate(call.turns):
        if not turn.text.strip():
            errors.append(MotnlpError(E.E007, path=path, line=line, turn=i))
        if turn.label not in labels_for(turn.speaker):
            errors.append(MotnlpError(E.E015, path=path, line=line, label=turn.label, speaker=turn.speaker))
        if turn.timed and turn.end < turn.start:
            errors.append(MotnlpError(E.E018, path=path, line=line, turn=i, detail="end before start"))
    if any(t.label not in labels_for(t.speaker) for t in call.turns):
        return errors
    if call.flags is not None and call.flags != call_flags(call):
        diff = {k: v for k, v in call_flags(call).items() if call.flags.get(k) != v}
        errors.append(MotnlpError(E.E019, path=path, line=line, detail=json.dumps(diff)))
    return errors


def _duplicate_errors(calls: list[Call]) -> list[MotnlpError]:
    """Pairs of calls sharing more than a third of a call's turns verbatim."""
    norm = Normalizer()
    texts = [[norm(t.text) for t in c.turns] for c in calls]
    owners: dict[str, set[int]] = defaultdict(set)
    for ci, call_texts in enumerate(texts):
        for text in call_texts:
            owners[text].add(ci)
    errors = []
    for ci, call_texts in enumerate(texts):
        shared: Counter[int] = Counter()
        for text in call_texts:
            for other in owners[text] - {ci}:
                shared[other] += 1
        for other, count in shared.items():
            share = count / max(len(call_texts), 1)
            if share > MAX_SHARED:
                path, line = calls[ci].source or (None, None)
                errors.append(MotnlpError(E.E020, path=path, line=line, turns=count, share=share,
                                          other=calls[other].call_id))
    return errors


def validate(inputs: Iterable[str]) -> tuple[int, list[MotnlpError]]:
    """Check labelled calls; return ``(calls read, errors)`` (errors carry file:line)."""
    report = ReadReport()
    calls = list(read_calls(inputs, fmt="jsonl", report=report))
    errors = list(report.errors)
    seen: dict[str, str] = {}
    for call in calls:
        if call.call_id in seen:
            path, line = call.source or (None, None)
            errors.append(MotnlpError(E.E021, path=path, line=line, call_id=call.call_id,
                                      where=seen[call.call_id]))
        seen.setdefault(call.call_id, call.where)
        errors += _call_errors(call)
    errors += _duplicate_errors(calls)
    return len(calls), errors


def apply_gold_flags(inputs: Iterable[str]) -> int:
    """Recompute each call's gold ``flags`` from its labels and rewrite the files.

    Each file is rewritten atomically; a file with an unreadable line is refused.
    Returns the number of calls updated.
    """
    from .io import atomic_writer

    count = 0
    for path in expand_inputs(inputs, "jsonl"):
        items = list(read_file(path, fmt="jsonl"))
        bad = [i for i in items if isinstance(i, MotnlpError)]
        if bad:
            raise bad[0]
        with atomic_writer(path) as handle:
            for call in items:
                call.flags = call_flags(call)
                handle.write(dumps(call) + "\n")
                count += 1
    return count


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def trigger_words(calls: list[Call], tokenizer: Tokenizer) -> dict:
    """Per language, speaker and label: the label's most frequent *trigger word*.

    A trigger word is a token at least twice as frequent (by share of turns) in the
    label's turns as in the same speaker's other turns. Reported: the word, its
    ``share`` (of the label's turns containing it) and ``precision`` (of all that
    speaker's turns containing it, the share with this label). A label is
    keyword-trivial when one word has share ≥ 0.5 and precision ≥ 0.8.
    """
    docs: dict[tuple[str, str], list[tuple[str, set[str]]]] = defaultdict(list)
    for call in calls:
        for turn in call.turns:
            tokens = {t for t in tokenizer.tokenize(turn.text, call.lang or "zh") if _is_word(t)}
            docs[(call.lang or "?", turn.speaker)].append((turn.label or "?", tokens))
    out: dict = {}
    for (lang, speaker), items in sorted(docs.items()):
        df_label: dict[str, Counter[str]] = defaultdict(Counter)
        n_label: Counter[str] = Counter()
        df_all: Counter[str] = Counter()
        for label, tokens in items:
            n_label[label] += 1
            df_label[label].update(tokens)
            df_all.update(tokens)
        for label, counts in df_label.items():
            n_rest = len(items) - n_label[label]
            best = None
            for word, df in counts.most_common():
                in_share = df / n_label[label]
                rest_share = (df_all[word] - df) / n_rest if n_rest else 0.0
                if in_share >= 2 * rest_share:
                    best = (word, in_share, df / df_all[word])
                    break
            if best:
                word, share, precision = best
                out.setdefault(lang, {}).setdefault(speaker, {})[label] = {
                    "word": word, "share": round(share, 3), "precision": round(precision, 3),
                    "trivial": share >= 0.5 and precision >= 0.8}
    return out


def stats(inputs: Iterable[str], *, split: dict[str, list[str]] | None = None) -> dict:
    """Counts for a labelled corpus: calls, turns, labels per language, domains, ..."""
    report = ReadReport()
    calls = list(read_calls(inputs, fmt="jsonl", report=report))
    per_lang: dict = {}
    for call in calls:
        entry = per_lang.setdefault(call.lang or "?", {
            "calls": 0, "turns": 0, "labels": {AGENT: Counter(), CUSTOMER: Counter()},
            "styles": Counter(), "timed_calls": 0, "calls_with_interruptions": 0})
        entry["calls"] += 1
        entry["turns"] += len(call.turns)
        entry["styles"][call.style] += 1
        entry["timed_calls"] += all(t.timed for t in call.turns)
        entry["calls_with_interruptions"] += bool(call_flags(call)["interruptions"])
        for turn in call.turns:
            entry["labels"][turn.speaker][turn.label or "?"] += 1
    result = {
        "calls": len(calls),
        "turns": sum(len(c.turns) for c in calls),
        "skipped": len(report.errors),
        "languages": {lang: {k: (dict(v) if isinstance(v, Counter) else v) for k, v in e.items()}
                      | {"labels": {s: dict(c) for s, c in e["labels"].items()}}
                      for lang, e in per_lang.items()},
        "domains": dict(Counter(c.domain or "?" for c in calls).most_common()),
        "agents": len({c.agent_id for c in calls}),
        "styles": dict(Counter(c.style for c in calls)),
        "code_switched_zh_calls": sum(1 for c in calls if c.lang == "zh" and _code_switched(c)),
        "trigger_words": trigger_words(calls, Tokenizer()),
    }
    if split is not None:
        ids = {c.call_id for c in calls}
        result["split"] = {name: len(ids & set(members)) for name, members in split.items()}
    result["minimums"] = check_minimums(result)
    return result


def _code_switched(call: Call) -> bool:
    import re

    return any(re.search(r"[A-Za-z]{2,}", t.text) for t in call.turns)


def check_minimums(result: dict) -> dict:
    """Each corpus minimum with its measured value; ``met`` when all hold."""
    checks = {"calls >= 320": result["calls"] >= 320, "turns >= 6000": result["turns"] >= 6000,
              "domains >= 12": len(result["domains"]) >= 12, "agents >= 20": result["agents"] >= 20}
    for lang in ("zh", "en"):
        entry = result["languages"].get(lang, {"calls": 0, "labels": {AGENT: {}, CUSTOMER: {}}})
        checks[f"{lang} calls >= 160"] = entry["calls"] >= 160
        for speaker, minimums in MINIMUMS.items():
            for label, low in minimums.items():
                have = entry["labels"].get(speaker, {}).get(label, 0)
                checks[f"{lang} {speaker} {label} >= {low} (has {have})"] = have >= low
    trivial = [f"{lang}/{sp}/{label}" for lang, by_sp in result["trigger_words"].items()
               for sp, by_label in by_sp.items() for label, info in by_label.items() if info["trivial"]]
    checks[f"no keyword-trivial label ({', '.join(trivial) or 'none'})"] = not trivial
    return {"met": all(checks.values()), "checks": checks}


def make_split(inputs: Iterable[str], *, dev_share: float = 0.2, seed: int = 13,
               keep: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """A train/dev split by call, stratified by language and style, reproducible.

    With ``keep`` (an earlier split), calls it names stay where they were and only the
    new calls are split, each stratum topped up towards ``dev_share`` — so adding calls
    to the corpus never moves a dev call into training. Ids no longer in the corpus
    are dropped.
    """
    kept = {cid: name for name, ids in (keep or {}).items() for cid in ids}
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for call in read_calls(inputs, fmt="jsonl"):
        groups[(call.lang or "?", call.style)].append(call.call_id)
    rng = random.Random(seed)
    split: dict[str, list[str]] = {"train": [], "dev": []}
    for key in sorted(groups):
        old = [cid for cid in groups[key] if cid in kept]
        new = sorted(cid for cid in groups[key] if cid not in kept)
        rng.shuffle(new)
        old_dev = sum(kept[cid] == "dev" for cid in old)
        n_dev = min(len(new), max(0, round(len(groups[key]) * dev_share) - old_dev))
        for cid in old:
            split[kept[cid]].append(cid)
        split["dev"] += new[:n_dev]
        split["train"] += new[n_dev:]
    return {name: sorted(ids) for name, ids in split.items()}


def load_split(path: str | Path) -> dict[str, list[str]]:
    """Read ``splits.json`` (``{"train": [...], "dev": [...]}``)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MotnlpError(E.E011, path=str(path)) from None
    except json.JSONDecodeError as exc:
        raise MotnlpError(E.E003, path=str(path), line=exc.lineno, detail=exc.msg) from None
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise MotnlpError(E.E013, path=str(path), field="splits", kind="an object of id lists")
    return data


def agreement(calls: Iterable[Call], relabels: dict[str, list[str]]) -> dict:
    """Cohen's κ between the corpus labels and a blind relabel, agent and customer separately.

    ``relabels`` maps call ids to one label per turn. Returns κ, raw agreement, turn
    counts and the most frequent disagreements per speaker.
    """
    from sklearn.metrics import cohen_kappa_score

    pairs: dict[str, list[tuple[str, str]]] = {AGENT: [], CUSTOMER: []}
    for call in calls:
        labels = relabels.get(call.call_id)
        if labels is None:
            continue
        if len(labels) != len(call.turns):
            raise MotnlpError(E.E013, field=f"relabel of {call.call_id}", kind=f"{len(call.turns)} labels")
        for turn, other in zip(call.turns, labels, strict=True):
            pairs[turn.speaker].append((turn.label or "?", other))
    out = {"calls": len(relabels)}
    for speaker, items in pairs.items():
        if not items:
            continue
        gold, blind = [g for g, _ in items], [b for _, b in items]
        kappa = float(cohen_kappa_score(gold, blind))
        out[speaker] = {
            "turns": len(items),
            "kappa": None if kappa != kappa else round(kappa, 3),  # undefined with one label only
            "agreement": round(sum(g == b for g, b in items) / len(items), 3),
            "disagreements": [f"{g} -> {b}: {n}" for (g, b), n in
                              Counter((g, b) for g, b in items if g != b).most_common(8)],
        }
    return out
