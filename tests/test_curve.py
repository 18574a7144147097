"""Learning curve: nested seeded subsets, dev scores per size, SVG plot, the evaluate option."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from motnlp.curve import curve_svg, holdout, learning_curve
from motnlp.errors import MotnlpError
from motnlp.io import read_calls

from .conftest import DATA
from .test_loop import TRUTH

FILES = [DATA / "roaming.jsonl", DATA / "tiny_en.jsonl"]
SVG = "{http://www.w3.org/2000/svg}"


def _calls() -> list:
    """The five fixture calls and the three loop calls with their labels: eight labelled calls."""
    calls = list(read_calls([str(p) for p in FILES])) + list(read_calls([str(DATA / "labelstudio" / "new_calls.jsonl")]))
    for call in calls[5:]:
        for turn, label in zip(call.turns, TRUTH[call.call_id], strict=True):
            turn.label = label
    return calls


def _train_dev() -> tuple[list, list]:
    """Train: loop-1 and loop-2 where the seed-0 order takes them last; dev: loop-3.

    Only the full training set holds the empathy examples the dev call needs.
    """
    calls = _calls()
    return [calls[5], *calls[0:4], calls[6], calls[4]], calls[7:]


@pytest.fixture(scope="module")
def rows() -> list:
    train, dev = _train_dev()
    return learning_curve(train, dev, fractions=(0.25, 0.5, 1.0), cv=2, min_df=1)


def test_subsets_grow_and_are_scored_on_dev(rows) -> None:
    assert [r["fraction"] for r in rows] == [0.25, 0.5, 1.0]
    assert [r["calls"] for r in rows] == [2, 4, 7]  # round(0.25 * 7) = 2, round(0.5 * 7) = 4
    assert rows[0]["turns"] < rows[1]["turns"] < rows[2]["turns"] == sum(len(c.turns) for c in _calls()[:7])
    for row in rows:
        assert 0.0 <= row["agent_fine_macro_f1"] <= 1.0 and 0.0 <= row["customer_macro_f1"] <= 1.0
    agent = [r["agent_fine_macro_f1"] for r in rows]
    assert agent[0] < agent[1] < agent[2] == 1.0  # more (and the right) calls: better on dev
    # one dev call has few customer turns: the full set must be no worse, not strictly better
    assert rows[0]["customer_macro_f1"] <= rows[2]["customer_macro_f1"]


def test_curve_is_deterministic_and_needs_two_calls(rows) -> None:
    train, dev = _train_dev()
    assert learning_curve(train, dev, fractions=(0.25, 0.5, 1.0), cv=2, min_df=1) == rows
    with pytest.raises(MotnlpError, match="E038: a learning curve needs at least 2 labelled training calls, got 1"):
        learning_curve(train[:1], dev)
    calls = _calls()
    train, dev = holdout(calls, seed=0)
    assert len(dev) == 2 and len(train) == 6 and not {c.call_id for c in train} & {c.call_id for c in dev}


def test_svg_plot_has_both_series(rows) -> None:
    root = ET.fromstring(curve_svg(rows))
    assert root.tag == f"{SVG}svg"
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 2 and all(len(line.get("points").split()) == 3 for line in lines)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"2", "4", "7", "training calls", "agent fine macro-F1", "customer macro-F1"} <= set(texts)


def test_evaluate_learning_curve_option(cli, tmp_path) -> None:
    data = tmp_path / "all.jsonl"
    data.write_text("".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in _calls()))
    splits = tmp_path / "splits.json"
    splits.write_text(json.dumps({"train": [c.call_id for c in _calls()[:6]], "dev": ["loop-2", "loop-3"]}))
    plot = tmp_path / "curve.svg"
    result = cli("evaluate", data, "--learning-curve", "--splits", splits, "--plot", plot, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["dev_calls"] == 2 and [r["calls"] for r in report["curve"]] == [2, 2, 3, 6]
    assert ET.fromstring(plot.read_text()).tag == f"{SVG}svg"
    table = cli("evaluate", data, "--learning-curve")
    assert table.code == 0 and "holding out 2 of 8 labelled call(s)" in table.err
    assert table.out.splitlines()[0].split()[:3] == ["share", "calls", "turns"] and "100%" in table.out
