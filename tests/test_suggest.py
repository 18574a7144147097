"""Suggested probes: pairs from labelled calls, retrieval by what is asked for, general fallback."""

from __future__ import annotations

import pytest

from motnlp.calls import Call
from motnlp.suggest import GENERAL_PROBES, ProbeBank

ZH = [
    ("你好，我想开个对公账户，越快越好。", "您说越快越好，是后面有事等着这个账户用吗？"),
    ("你好，我想开通国际漫游，下周要去日本。", "这次去日本主要是出差还是旅游？每天要上网开会吗？"),
    ("你好，我想把宽带升级到千兆。", "家里平时主要是谁在用网？都拿来做些什么？"),
    ("你好，我想换个最便宜的套餐。", "您平时拿这个手机主要做些什么？"),
    ("你好，我想取消信用卡的年费。", "方便说说是卡用得少了，还是年费让您觉得不划算？"),
]
EN = [("I need a full export of our customer records.", "What will the export be used for, and who will read it?")]


@pytest.fixture(scope="module")
def bank() -> ProbeBank:
    entries = [{"lang": "zh", "requirement": r, "probe": p, "call_id": f"zh-{i}"} for i, (r, p) in enumerate(ZH)]
    entries += [{"lang": "en", "requirement": r, "probe": p, "call_id": "en-0"} for r, p in EN]
    return ProbeBank().fit_entries(entries)


def test_matches_on_what_is_asked_for_not_the_greeting(bank) -> None:
    hit = bank.suggest("喂你好，我想开通国际漫游。", "zh")
    assert hit["call_id"] == "zh-1" and hit["text"] == ZH[1][1] and hit["similarity"] > 0.15
    assert "w:你好" in bank.common_ and "w:漫游" not in bank.common_


def test_language_is_respected_and_unrelated_requests_get_the_general_probe(bank) -> None:
    assert bank.suggest("Please export all the customer records.", "en")["call_id"] == "en-0"
    general = bank.suggest("我家狗丢了。", "zh")
    assert general == {"text": GENERAL_PROBES["zh"], "call_id": None, "general": True}
    assert bank.suggest("The roof is leaking again.", "en")["text"] == GENERAL_PROBES["en"]


def test_pairs_come_only_from_probes_before_the_agent_acted(tmp_path) -> None:
    def call(call_id: str, labels: list[tuple[str, str, str]]) -> Call:
        turns = [{"speaker": s, "text": t, "label": lab} for s, t, lab in labels]
        return Call.from_dict({"call_id": call_id, "lang": "en", "turns": turns})

    probed = call("a", [("customer", "I want the premium plan.", "requirement"),
                        ("agent", "Which account is it for?", "explore.clarify"),
                        ("agent", "What will you mainly use it for?", "explore.probe"),
                        ("agent", "I can switch you today.", "offer")])
    acted = call("b", [("customer", "I want the premium plan.", "requirement"),
                       ("agent", "Done, you're on premium.", "do"),
                       ("agent", "What did you need it for?", "explore.probe")])
    bank = ProbeBank().fit([probed, acted])
    assert [(e["call_id"], e["probe"]) for e in bank.entries_] == [("a", "What will you mainly use it for?")]
    bank.save(tmp_path / "probes.json")
    loaded = ProbeBank.load(tmp_path / "probes.json")
    assert loaded.suggest("I want the premium plan please.", "en")["call_id"] == "a"
