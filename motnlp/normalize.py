"""Normalization stage: language detection, Traditional → Simplified, width and spaces.

The original turn text is never changed; these functions return the text the later
stages (tokenizer, features) work on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cached_property

__all__ = ["Normalizer", "detect_lang", "has_han", "has_latin"]

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]+")
_SPACES = re.compile(r"\s+")


def has_han(text: str) -> bool:
    """Whether ``text`` contains a CJK ideograph."""
    return _HAN.search(text) is not None


def has_latin(text: str) -> bool:
    """Whether ``text`` contains a Latin letter."""
    return _LATIN_WORD.search(text) is not None


def detect_lang(texts: Iterable[str]) -> str:
    """Detect ``"zh"`` or ``"en"`` for a call from its turn texts, by script ratio.

    Each Han character counts as one unit of Chinese and each Latin word as one unit
    of English, so a Chinese call with a few English words (code-switching) is still
    ``zh``. Ties and empty input give ``"en"``.
    """
    han = latin = 0
    for text in texts:
        han += len(_HAN.findall(text))
        latin += len(_LATIN_WORD.findall(text))
    return "zh" if han > 0 and han >= 0.5 * latin else "en"


class Normalizer:
    """Text normalization for features.

    Full-width → half-width and compatibility forms (NFKC), Traditional →
    Simplified Chinese (OpenCC ``t2s``), whitespace collapsed. The OpenCC converter is
    created on first use and owned by this object.
    """

    def __getstate__(self) -> dict:
        """Pickle without the OpenCC converter (rebuilt on first use)."""
        return {k: v for k, v in self.__dict__.items() if k != "_t2s"}

    @cached_property
    def _t2s(self):
        import opencc

        return opencc.OpenCC("t2s")

    def __call__(self, text: str) -> str:
        """Return the normalized form of ``text``."""
        if text.isascii():
            return " ".join(text.split())
        text = unicodedata.normalize("NFKC", text)
        if has_han(text):
            text = self._t2s.convert(text)
        return _SPACES.sub(" ", text).strip()
