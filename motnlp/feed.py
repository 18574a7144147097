"""The per-agent coaching feed: moments missed and moments done well, with quotes.

Moments come from stored calls: each flag (missed probe, missed empathy, no confirm,
interruption) and each good moment — an agent probe followed within two turns by the
customer revealing a need. Rendered as JSON or as an Atom 1.0 feed.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime, timedelta
from xml.etree import ElementTree as ET

from .store import CallRow, Store

__all__ = ["agent_moments", "moments_for_call", "to_atom", "weekly_stats"]

_TITLES = {
    "missed_probe": "Missed probe: a requirement acted on before its need was explored",
    "missed_empathy": "Missed empathy: a feeling went unanswered",
    "no_confirm": "No confirm: the outcome was never checked with the customer",
    "interruption": "Interruption: the agent cut in on the customer",
    "good_probe": "Good probe: your question uncovered the customer's need",
}


def _quote(turn) -> dict:
    return {"turn": turn.idx, "speaker": turn.speaker, "label": turn.pred or turn.label, "text": turn.text}


def _flag_quotes(call: CallRow, flag) -> list[dict]:
    ev = flag.evidence or {}
    parts = {"missed_probe": ("requirement", "acted_on_by"), "interruption": ("customer", "agent")}.get(flag.kind)
    if parts:
        return [{"turn": ev[p]["turn"], "speaker": ev[p]["speaker"], "label": ev[p].get("label"),
                 "text": ev[p]["quote"]} for p in parts if p in ev]
    if flag.kind == "missed_empathy" and "feeling" in ev:
        return [{"turn": q["turn"], "speaker": q["speaker"], "label": q.get("label"), "text": q["quote"]}
                for q in [ev["feeling"], *ev.get("replies", [])]]
    if flag.kind == "no_confirm" and "last_action" in ev:
        q = ev["last_action"]
        return [{"turn": q["turn"], "speaker": q["speaker"], "label": q.get("label"), "text": q["quote"]}]
    return [_quote(call.turns[flag.turn])] if flag.turn is not None and flag.turn < len(call.turns) else []


def moments_for_call(call: CallRow) -> list[dict]:
    """Every coaching moment of one stored call, in turn order."""
    base = {"agent_id": call.agent_id, "call_id": call.call_id,
            "started_at": call.started_at.isoformat() if call.started_at else None}
    out = []
    for flag in call.flags:
        item = {**base, "kind": flag.kind, "good": False, "turn": flag.turn, "title": _TITLES[flag.kind],
                "quotes": _flag_quotes(call, flag)}
        if flag.kind == "missed_probe":
            item["suggested_probe"] = (flag.evidence or {}).get("suggested_probe")
        if flag.kind == "interruption":
            item["overlap_seconds"] = (flag.evidence or {}).get("overlap_seconds")
        out.append(item)
    turns = call.turns
    for i, turn in enumerate(turns):
        if turn.speaker != "agent" or turn.pred != "explore.probe":
            continue
        need = next((t for t in turns[i + 1 : i + 3] if t.speaker == "customer" and t.pred == "need"), None)
        if need is not None:
            out.append({**base, "kind": "good_probe", "good": True, "turn": i, "title": _TITLES["good_probe"],
                        "quotes": [_quote(turn), _quote(need)]})
    return sorted(out, key=lambda m: (m["turn"] is None, m["turn"] or 0))


def agent_moments(store: Store, agent_id: str, since: datetime | None = None) -> list[dict]:
    """The agent's moments, newest call first."""
    return [m for call in store.calls_for(agent_id, since) for m in moments_for_call(call)]


def _week(day: datetime | None) -> str:
    if day is None:
        return "undated"
    monday = day - timedelta(days=day.weekday())
    return monday.strftime("%Y-%m-%d")


def weekly_stats(calls: list[CallRow]) -> dict:
    """Per week: calls, probe rate (probes per requirement), missed probes; and the phase mix."""
    weeks: dict[str, dict] = defaultdict(lambda: {"calls": 0, "probes": 0, "requirements": 0, "missed_probes": 0})
    phases: dict[str, int] = defaultdict(int)
    for call in calls:
        card = call.scorecard.data if call.scorecard else {}
        week = weeks[_week(call.started_at)]
        week["calls"] += 1
        week["probes"] += card.get("probes", 0)
        week["requirements"] += card.get("requirements", 0)
        week["missed_probes"] += card.get("missed_probes", 0)
        for phase, n in (card.get("phases") or {}).items():
            phases[phase] += n
    for week in weeks.values():
        week["probe_rate"] = round(week["probes"] / week["requirements"], 3) if week["requirements"] else None
    return {"weeks": dict(sorted(weeks.items())), "phases": dict(phases),
            "probe_rate": _rate(calls), "missed_probes": sum(w["missed_probes"] for w in weeks.values()),
            "calls": len(calls)}


def _rate(calls: list[CallRow]) -> float | None:
    cards = [c.scorecard.data for c in calls if c.scorecard]
    reqs = sum(c.get("requirements", 0) for c in cards)
    return round(sum(c.get("probes", 0) for c in cards) / reqs, 3) if reqs else None


def team_median(store: Store) -> dict:
    """The team median of each agent's probe rate and missed probes per call."""
    rates, missed = [], []
    for agent in store.agents():
        calls = store.calls_for(agent)
        if not calls:
            continue
        rate = _rate(calls)
        if rate is not None:
            rates.append(rate)
        missed.append(sum((c.scorecard.data if c.scorecard else {}).get("missed_probes", 0) for c in calls) / len(calls))
    return {"probe_rate": statistics.median(rates) if rates else None,
            "missed_probes_per_call": round(statistics.median(missed), 3) if missed else None,
            "agents": len(missed)}


def to_atom(agent_id: str, moments: list[dict], *, base_url: str = "http://localhost:8000") -> bytes:
    """An Atom 1.0 feed of ``moments`` (ElementTree escapes every text)."""
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    feed = ET.Element(f"{{{ns}}}feed")
    ET.SubElement(feed, f"{{{ns}}}id").text = f"urn:motnlp:feed:{agent_id}"
    ET.SubElement(feed, f"{{{ns}}}title").text = f"MOT coaching feed for {agent_id}"
    stamps = [m["started_at"] for m in moments if m["started_at"]]
    ET.SubElement(feed, f"{{{ns}}}updated").text = (max(stamps) if stamps else "1970-01-01T00:00:00") + "Z"
    author = ET.SubElement(feed, f"{{{ns}}}author")
    ET.SubElement(author, f"{{{ns}}}name").text = "motnlp"
    ET.SubElement(feed, f"{{{ns}}}link", rel="self", href=f"{base_url}/feed/{agent_id}.atom")
    for m in moments:
        entry = ET.SubElement(feed, f"{{{ns}}}entry")
        ET.SubElement(entry, f"{{{ns}}}id").text = f"urn:motnlp:moment:{m['call_id']}:{m['kind']}:{m['turn']}"
        ET.SubElement(entry, f"{{{ns}}}title").text = m["title"]
        ET.SubElement(entry, f"{{{ns}}}updated").text = (m["started_at"] or "1970-01-01T00:00:00") + "Z"
        ET.SubElement(entry, f"{{{ns}}}link", rel="alternate", href=f"{base_url}/calls/{m['call_id']}#t{m['turn']}")
        lines = [f"{q['speaker']} [{q['turn']}] {q['label']}: {q['text']}" for q in m["quotes"]]
        if m.get("suggested_probe"):
            lines.append(f"Try asking: {m['suggested_probe']['text']}")
        ET.SubElement(entry, f"{{{ns}}}summary", type="text").text = "\n".join(lines)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
