"""``motnlp report``: a readable per-call report of annotated output."""

from __future__ import annotations

import typer

from ..io import ReadReport
from .common import INPUTS, fail_if_nothing, read_inputs, warn_skipped

_MARK = {"explore.probe": "★", "need": "◆", "requirement": "▶"}


def _flag_lines(call) -> list[str]:
    ev = call.extra.get("evidence", {})
    lines = []
    for item in ev.get("missed_probe", []):
        r, a = item["requirement"], item["acted_on_by"]
        lines.append(f"  ! missed_probe: customer [{r['turn']}] “{r['quote']}” was acted on by "
                     f"[{a['turn']}] {a['label']} “{a['quote']}” with no probe of the need")
        if item.get("suggested_probe"):
            s = item["suggested_probe"]
            source = f"from call {s['call_id']}" if s.get("call_id") else "a general probe"
            lines.append(f"      try asking: “{s['text']}” ({source})")
    for item in ev.get("missed_empathy", []):
        f = item["feeling"]
        lines.append(f"  ! missed_empathy: [{f['turn']}] “{f['quote']}” got no empathy in the next replies")
    for item in ev.get("interruptions", []):
        a = item["agent"]
        lines.append(f"  ! interruption: [{a['turn']}] started {item['overlap_seconds']}s before the customer finished")
    if "no_confirm" in ev:
        last = ev["no_confirm"]["last_action"]
        lines.append(f"  ! no_confirm: nothing checked the outcome after [{last['turn']}] “{last['quote']}”")
    return lines or ["  ✓ no flags"]


def report(inputs: list[str] = INPUTS) -> int:
    """Print each annotated call: its labelled turns, then its flags with quotes."""
    read = ReadReport()
    for call in read_inputs(inputs, read, fmt="jsonl"):
        model = call.extra.get("model", {})
        typer.echo(f"\n=== {call.call_id}  agent {call.agent_id or '-'}  lang {call.lang}  "
                   f"model {model.get('name')}@{model.get('version')}")
        for i, turn in enumerate(call.turns):
            label = turn.pred or turn.label or "?"
            conf = f"{turn.confidence:.2f}" if turn.confidence is not None else "    "
            typer.echo(f"  [{i:2}] {turn.speaker:8} {label:19} {conf} {_MARK.get(label, ' ')} {turn.text}")
        card = call.extra.get("scorecard", {})
        if card:
            typer.echo(f"  phases {card.get('phases')}  probes/requirement {card.get('probes_per_requirement')}"
                       f"  agent talk share {card.get('agent_talk_share')}")
        for line in _flag_lines(call):
            typer.echo(line)
    warn_skipped(read)
    fail_if_nothing(read)
    return 0


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command("report")(report)
