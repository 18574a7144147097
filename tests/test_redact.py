"""PII redaction: positive and negative examples in both languages, written and spoken."""

from __future__ import annotations

import pytest

from motnlp.redact import redact


@pytest.mark.parametrize(("text", "expected"), [
    ("我的手机是13812345678，您记一下", "我的手机是[PHONE]，您记一下"),
    ("手机 138-1234-5678", "手机 [PHONE]"),
    ("+86 139 0012 3456", "[PHONE]"),
    ("座机010-62345678", "座机[PHONE]"),
    ("身份证号11010519491231002X", "身份证号[ID]"),
    ("卡号6222 0202 0000 1234 562", "卡号[CARD]"),
    ("card 4111-1111-1111-1111 please", "card [CARD] please"),
    ("邮箱是 wang.li@example.cn 谢谢", "邮箱是 [EMAIL] 谢谢"),
    ("my number is (415) 555-2671", "my number is [PHONE]"),
    ("ring the office on +44 20 7946 0958", "ring the office on [PHONE]"),
    ("I live at 221B Baker Street", "I live at [ADDRESS] Baker Street"),
    ("send it to 14 Elm Grove Road please", "send it to [ADDRESS] Elm Grove Road please"),
    # spoken forms in ASR text
    ("手机号一三八一二三四五六七八", "手机号[PHONE]"),
    ("幺三九 零零一二 三四五六 就这个", "[PHONE] 就这个"),
    ("卡号六二二二零二零二零零零零一二三四五六二", "卡号[CARD]"),
    ("call me on five five five two six seven one two three four", "call me on [PHONE]"),
    ("it's four one five double five five two six seven one", "it's [PHONE]"),
])
def test_pii_is_masked(text, expected) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "套餐每月38元，订单号20260301",
    "身份证号110105194912310021",  # checksum fails
    "卡号6222 0202 0000 1234 5678 有问题吗",  # Luhn fails
    "ref 4111111111111112",
    "I paid 250 dollars on 12 March 2026",
    "on 2026-03-12 at 10:30",
    "一二三四五六",  # too short to be anything
    "we have three two one options",
    "the 5G plan costs 199 a month for 30 GB",
    "工单号 1002345",
])
def test_non_pii_is_left_alone(text) -> None:
    assert redact(text) == text
