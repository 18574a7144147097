"""``motnlp corpus validate`` error cases, stats and the split."""

from __future__ import annotations

import json

import pytest

from motnlp.corpus import apply_gold_flags, make_split, stats, validate
from motnlp.errors import E
from motnlp.flags import call_flags
from motnlp.io import read_calls


def _call(call_id: str, n: int = 12, **extra: object) -> dict:
    turns = []
    for i in range(n):
        if i % 2 == 0:
            turns.append({"speaker": "agent", "text": f"agent line {call_id} {i}", "label": "other"})
        else:
            turns.append({"speaker": "customer", "text": f"customer line {call_id} {i}", "label": "info"})
    return {"call_id": call_id, "lang": "en", "domain": "telecom", "agent_id": "a-1", "style": "clean",
            "turns": turns, **extra}


def _write(tmp_path, *calls: dict):
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in calls))
    return path


def _codes(path) -> list[tuple[E, int]]:
    return [(e.code, e.line) for e in validate([str(path)])[1]]


def test_valid_corpus_passes(tmp_path) -> None:
    assert _codes(_write(tmp_path, _call("a"), _call("b"))) == []


@pytest.mark.parametrize(("mutate", "code"), [
    (lambda c: c.pop("domain"), E.E005),
    (lambda c: c.pop("style"), E.E005),
    (lambda c: c["turns"][0].update(label="need"), E.E015),
    (lambda c: c["turns"][1].update(label="offer"), E.E015),
    (lambda c: c["turns"][1].pop("label"), E.E015),
    (lambda c: c.update(turns=c["turns"][:5]), E.E024),
    (lambda c: c["turns"][2].update(text="  "), E.E007),
    (lambda c: c["turns"][2].update(start=3.0, end=1.0), E.E018),
    (lambda c: c.update(flags={"missed_probe": [1], "no_confirm": False, "missed_empathy": [], "interruptions": []}),
     E.E019),
])
def test_each_problem_is_reported_at_its_line(tmp_path, mutate, code) -> None:
    bad = _call("b")
    mutate(bad)
    assert (code, 2) in _codes(_write(tmp_path, _call("a"), bad))


def test_duplicate_ids_and_broken_lines(tmp_path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(_call("a")) + "\n{broken\n" + json.dumps(_call("a")) + "\n")
    codes = _codes(path)
    assert (E.E003, 2) in codes and (E.E021, 3) in codes


def test_verbatim_shared_turns_are_caught(tmp_path) -> None:
    a, b = _call("a"), _call("b")
    for i in range(5):  # 5 of 12 turns copied: more than a third
        b["turns"][i]["text"] = a["turns"][i]["text"]
    codes = _codes(_write(tmp_path, a, b))
    assert (E.E020, 1) in codes and (E.E020, 2) in codes
    c = _call("c")
    for i in range(4):  # exactly a third is allowed
        c["turns"][i]["text"] = a["turns"][i]["text"]
    assert _codes(_write(tmp_path, a, c)) == []


def test_apply_gold_flags_then_validate(tmp_path) -> None:
    call = _call("a")
    call["turns"][1].update(label="requirement")
    call["turns"][2].update(label="do")
    path = _write(tmp_path, call)
    assert apply_gold_flags([str(path)]) == 1
    stored = json.loads(path.read_text())["flags"]
    assert stored == call_flags(next(read_calls([str(path)])))
    assert stored["missed_probe"] == [1]
    assert _codes(path) == []


def test_stats_counts_and_split_is_stratified(tmp_path) -> None:
    calls = [_call(f"z{i}", lang="zh", style="asr" if i % 3 == 0 else "clean") for i in range(10)]
    calls += [_call(f"e{i}") for i in range(10)]
    path = _write(tmp_path, *calls)
    result = stats([str(path)])
    assert result["calls"] == 20 and result["turns"] == 240
    assert result["languages"]["en"]["labels"]["agent"]["other"] == 60
    assert result["minimums"]["met"] is False
    split = make_split([str(path)])
    assert len(split["dev"]) == 4 and len(set(split["dev"]) & set(split["train"])) == 0
    assert sum(1 for x in split["dev"] if x.startswith("z")) == 2
    assert make_split([str(path)]) == split


def test_split_keep_never_moves_a_call_and_tops_up_dev(tmp_path) -> None:
    first = _write(tmp_path, *[_call(f"e{i}") for i in range(10)])
    old = make_split([str(first)])
    more = tmp_path / "more.jsonl"
    more.write_text("".join(json.dumps(_call(f"n{i}")) + "\n" for i in range(10)), encoding="utf-8")
    new = make_split([str(first), str(more)], keep=old)
    assert set(old["dev"]) <= set(new["dev"]) and set(old["train"]) <= set(new["train"])
    assert len(new["dev"]) == 4 and sorted(new["dev"] + new["train"]) == sorted(f"{p}{i}" for p in "en" for i in range(10))
    gone = make_split([str(more)], keep=old)  # calls no longer in the corpus are dropped
    assert not any(x.startswith("e") for x in gone["dev"] + gone["train"]) and len(gone["dev"]) == 2


def test_cli_validate_exit_codes(cli, tmp_path) -> None:
    good = _write(tmp_path, _call("a"))
    assert cli("corpus", "validate", good).code == 0
    bad = _call("b")
    bad["turns"][0]["label"] = "feeling"
    path = _write(tmp_path, bad)
    result = cli("corpus", "validate", path)
    assert result.code == 1 and f"{path}:1: E015" in result.err


def test_agreement_kappa(tmp_path) -> None:
    from motnlp.corpus import agreement

    call = _call("a")
    call["turns"][1]["label"] = "requirement"
    call["turns"][3]["label"] = "need"
    call["turns"][2]["label"] = "explore.probe"
    calls = list(read_calls([str(_write(tmp_path, call))]))
    same = agreement(calls, {"a": [t["label"] for t in call["turns"]]})
    assert same["agent"]["kappa"] == 1.0 and same["customer"]["kappa"] == 1.0
    changed = [t["label"] for t in call["turns"]]
    changed[3] = "info"
    result = agreement(calls, {"a": changed})
    assert result["customer"]["agreement"] == round(5 / 6, 3)
    assert result["customer"]["kappa"] < 1.0 and result["customer"]["disagreements"] == ["need -> info: 1"]
