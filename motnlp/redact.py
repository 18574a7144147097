"""PII redaction for Chinese and English transcripts, written and spoken forms.

Masks: ``[PHONE]`` (Chinese mobiles and landlines, English/international numbers),
``[ID]`` (18-digit resident ID numbers with a valid checksum), ``[CARD]`` (13–19-digit
bank cards passing the Luhn check), ``[EMAIL]``, ``[ADDRESS]`` (a house number before a
street word). Digit strings spoken out in ASR text ("一三八…", "幺三九…",
"five five five …", "double two") are read as digits and judged the same way.
Numbers that fail the checks (order numbers, amounts, dates) are left alone.
"""

from __future__ import annotations

import re

from .calls import Call

__all__ = ["redact", "redact_call"]

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_DIGIT_RUN = re.compile(r"(?<![A-Za-z0-9])\+?\(?\d[\d \-().]{5,}\d[Xx]?(?![A-Za-z0-9])")
_ZH_DIGITS = "零〇一二三四五六七八九幺两"
_ZH_VALUE = {"零": "0", "〇": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4",
             "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_ZH_RUN = re.compile(rf"[{_ZH_DIGITS}](?:[\s，,-]*[{_ZH_DIGITS}]){{6,}}")
_EN_WORDS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
             "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_EN_TOKEN = r"(?:double|triple|zero|oh|one|two|three|four|five|six|seven|eight|nine|\d)"
_EN_RUN = re.compile(rf"\b{_EN_TOKEN}(?:[\s,\-]+{_EN_TOKEN}){{6,}}\b", re.IGNORECASE)
_ADDRESS = re.compile(r"\b\d{1,5}[A-Za-z]?(?=\s+(?:[A-Z][a-z]+\s+){0,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|"
                      r"Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Close|Crescent|Terrace)\b)")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_ok(digits: str) -> bool:
    if not re.fullmatch(r"\d{17}[\dXx]", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == digits[17].upper()


def _luhn_ok(digits: str) -> bool:
    if not digits.isdigit() or not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _classify(digits: str, had_plus: bool = False) -> str | None:
    """The mask for a digit string, or None when it is no PII we know."""
    if _id_ok(digits):
        return "[ID]"
    if re.fullmatch(r"(?:86)?1[3-9]\d{9}", digits):
        return "[PHONE]"
    if _luhn_ok(digits) and len(digits) >= 15:
        return "[CARD]"
    if re.fullmatch(r"0\d{9,11}", digits):  # Chinese landline with area code, UK numbers
        return "[PHONE]"
    if re.fullmatch(r"1?[2-9]\d{9}", digits) or (had_plus and 8 <= len(digits) <= 15):
        return "[PHONE]"  # North American numbers; anything written with a leading +
    return None


def _written(match: re.Match[str]) -> str:
    raw = match.group()
    digits = re.sub(r"[^\dXx]", "", raw)
    mask = _classify(digits, raw.lstrip().startswith("+"))
    return mask or raw


def _spoken_zh(match: re.Match[str]) -> str:
    digits = "".join(_ZH_VALUE[ch] for ch in match.group() if ch in _ZH_VALUE)
    return _classify(digits) or match.group()


def _spoken_en(match: re.Match[str]) -> str:
    digits, repeat = [], 1
    for token in re.split(r"[\s,\-]+", match.group().lower()):
        if token in ("double", "triple"):
            repeat = 2 if token == "double" else 3
            continue
        value = token if token.isdigit() else _EN_WORDS.get(token, "")
        digits.append(value * repeat)
        repeat = 1
    return _classify("".join(digits)) or match.group()


def redact(text: str) -> str:
    """``text`` with phone numbers, ID numbers, bank cards, emails and house numbers masked."""
    text = _EMAIL.sub("[EMAIL]", text)
    text = _ZH_RUN.sub(_spoken_zh, text)
    text = _EN_RUN.sub(_spoken_en, text)
    text = _DIGIT_RUN.sub(_written, text)
    return _ADDRESS.sub("[ADDRESS]", text)


def redact_call(call: Call) -> Call:
    """Redact every turn's text of ``call`` in place and return it."""
    for turn in call.turns:
        turn.text = redact(turn.text)
    return call
