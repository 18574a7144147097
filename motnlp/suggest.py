"""Suggested probes: the question a good agent asked after the most similar requirement.

Built from labelled calls: every customer ``requirement`` followed (before the agent
acted on it) by an agent ``explore.probe`` gives a (requirement, probe) pair. A
missed probe is answered with the pair whose requirement is nearest by TF-IDF cosine
over the words of the project tokenizer, in the call's language. Words found in more
than :data:`COMMON_SHARE` of the requirements (你好, 我想, "I need", ...) are left out,
so requirements match on what is asked for, not on how it is asked. Below
:data:`MIN_SIMILARITY` no corpus question is close enough and a general probe
(:data:`GENERAL_PROBES`) is suggested instead, marked ``"general": true``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from .calls import Call
from .featurize import TextVocabulary, word_terms
from .labels import AGENT, CUSTOMER
from .normalize import Normalizer
from .tokenize import Tokenizer

__all__ = ["GENERAL_PROBES", "ProbeBank"]

COMMON_SHARE = 0.05
MIN_SIMILARITY = 0.15
#: Open questions about purpose and stakes, for requirements the corpus has nothing close to.
GENERAL_PROBES = {
    "zh": "方便问一下，您办这个主要是想解决什么问题？有没有什么时间上的安排？",
    "en": "Can I ask what you need this for, and whether there's a date it has to be ready by?",
}


def _pairs(call: Call) -> Iterable[dict]:
    turns = call.turns
    for i, turn in enumerate(turns):
        if turn.speaker != CUSTOMER or turn.label != "requirement":
            continue
        for later in turns[i + 1 :]:
            if later.speaker == CUSTOMER and later.label == "requirement":
                break
            if later.speaker == AGENT and later.label in ("offer", "do"):
                break
            if later.speaker == AGENT and later.label == "explore.probe":
                yield {"lang": call.lang or "zh", "requirement": turn.text, "probe": later.text,
                       "call_id": call.call_id}
                break


class ProbeBank:
    """Nearest-requirement retrieval of probes.

    Parameters
    ----------
    tokenizer : Tokenizer, optional
    """

    def __init__(self, *, tokenizer: Tokenizer | None = None) -> None:
        self.tokenizer = tokenizer or Tokenizer()
        self._normalizer = Normalizer()

    def _words(self, text: str, lang: str) -> list[str]:
        norm = self._normalizer(text)
        return word_terms(self.tokenizer.tokenize(norm, lang, normalized=True))

    def _terms(self, text: str, lang: str) -> list[str]:
        return [t for t in self._words(text, lang) if t not in self.common_]

    def fit(self, calls: Sequence[Call]) -> ProbeBank:
        """Collect (requirement, probe) pairs from gold-labelled calls."""
        return self.fit_entries([p for c in calls for p in _pairs(c)])

    def fit_entries(self, entries: list[dict]) -> ProbeBank:
        """Index ready-made entries (``lang``, ``requirement``, ``probe``, ``call_id``)."""
        self.entries_ = entries
        self._index()
        return self

    def _index(self) -> None:
        """Build the TF-IDF index over the entries' requirements."""
        entries = self.entries_
        words = [self._words(e["requirement"], e["lang"]) for e in entries]
        df: dict[str, int] = {}
        for doc in words:
            for term in set(doc):
                df[term] = df.get(term, 0) + 1
        self.common_ = {t for t, n in df.items() if n > max(2, COMMON_SHARE * len(entries))}
        docs = [[t for t in doc if t not in self.common_] for doc in words]
        self.vocabulary_ = TextVocabulary(min_df=1, max_features=50000).fit(docs)
        self.matrix_ = self.vocabulary_.transform(docs)
        self.langs_ = np.array([e["lang"] for e in entries])

    def suggest(self, requirement: str, lang: str) -> dict | None:
        """The probe asked after the nearest requirement in ``lang``, with its source.

        A general probe (``"general": true``) when no requirement is close enough; None
        when the bank is empty or has no general probe for ``lang``.
        """
        if not self.entries_:
            return None
        if not hasattr(self, "matrix_"):
            self._index()
        query = self.vocabulary_.transform([self._terms(requirement, lang)]).toarray().ravel()
        sims = np.asarray(self.matrix_ @ query, dtype=np.float64).ravel()
        sims[self.langs_ != lang] = -1.0
        best = int(np.argmax(sims))
        if sims[best] < MIN_SIMILARITY:
            text = GENERAL_PROBES.get(lang)
            return {"text": text, "call_id": None, "general": True} if text else None
        entry = self.entries_[best]
        return {"text": entry["probe"], "call_id": entry["call_id"],
                "similar_requirement": entry["requirement"], "similarity": round(float(sims[best]), 3)}

    def save(self, path: str | Path) -> None:
        """Write the entries as JSON (the index is rebuilt on load)."""
        Path(path).write_text(json.dumps(self.entries_, ensure_ascii=False, indent=0), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path, *, tokenizer: Tokenizer | None = None) -> ProbeBank:
        """Read entries written by :meth:`save`; they are indexed on the first :meth:`suggest`."""
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(entries, list) or not all(
                isinstance(e, dict) and {"lang", "requirement", "probe", "call_id"} <= set(e) for e in entries):
            raise ValueError("probes.json must be a list of {lang, requirement, probe, call_id}")
        bank = cls(tokenizer=tokenizer)
        bank.entries_ = entries
        return bank
