"""Featurize stage: turn a call's turns into a sparse feature matrix.

Blocks, one row per turn:

* ``text``  — TF-IDF (sublinear) over word uni/bigrams from the project tokenizer and
  character 1–3-grams of the normalized text (robust to ASR errors, code-switching);
* ``prev`` / ``next`` — the neighbouring turns' text blocks, down-weighted;
* ``shape`` — speaker of the neighbours, position in the call, question form, length,
  language;
* ``context`` (second pass only) — the predicted label distributions of the previous
  and next turns, and of the latest customer and agent turns before this one.

Learned state (vocabulary, idf) is plain data so models persist without pickle.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from .calls import Call
from .labels import AGENT, AGENT_LABELS, CUSTOMER_LABELS
from .normalize import Normalizer
from .tokenize import Tokenizer

__all__ = ["CONTEXT_COLUMNS", "CONTEXT_LABELS", "TextVocabulary", "TurnFeaturizer", "turn_terms", "word_terms"]

#: The columns of a turn's label distribution in the ``context`` block.
CONTEXT_LABELS = tuple(f"a:{x}" for x in AGENT_LABELS) + tuple(f"c:{x}" for x in CUSTOMER_LABELS)

_QUESTION = re.compile(r"[?？]|[吗呢么嘛][\s。，,.!！]*$|^(what|which|who|when|where|how|why|is|are|do|does|did|"
                       r"can|could|would|will|have|has|shall|should|may)\b", re.IGNORECASE)
_ENDS_AS_QUESTION = re.compile(r"([?？]|[吗呢吧么嘛]|\b(right|ok|okay|yeah|correct))[\s。，,.!！…~]*$", re.IGNORECASE)
_EXCLAIM = re.compile(r"[!！]")
_NEIGHBOUR_WEIGHT = 0.5
SHAPE_COLUMNS = 14


def word_terms(tokens: Sequence[str]) -> list[str]:
    """The word 1–2-gram terms of one turn (``w:`` prefix; punctuation-only tokens dropped)."""
    words = [t for t in tokens if t.isalnum() or any(ch.isalnum() for ch in t)]
    terms = ["w:" + w for w in words]
    terms += [f"w:{a} {b}" for a, b in itertools.pairwise(words)]
    return terms


def turn_terms(tokens: Sequence[str], norm_text: str) -> list[str]:
    """The n-gram terms of one turn: word 1–2-grams and character 1–3-grams.

    Word terms carry a ``w:`` prefix; character n-grams are the bare lower-cased
    substrings (spaces as ``_``), which keeps this hot loop cheap.
    """
    terms = word_terms(tokens)
    chars = norm_text.lower().replace(" ", "_")
    terms += chars
    bigrams = list(map(operator.add, chars, chars[1:]))
    terms += bigrams
    terms += map(operator.add, bigrams, chars[2:])
    return terms


class TextVocabulary:
    """A TF-IDF vocabulary over term lists (sublinear tf, smooth idf, L2 rows).

    Parameters
    ----------
    min_df : int, default 2
        Keep terms seen in at least this many turns.
    max_features : int, default 60000
        Keep at most this many terms (the most frequent).
    """

    def __init__(self, *, min_df: int = 2, max_features: int = 60000) -> None:
        self.min_df = min_df
        self.max_features = max_features

    def fit(self, docs: Sequence[Sequence[str]]) -> TextVocabulary:
        """Learn ``vocabulary_`` and ``idf_`` from term lists."""
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(set(doc))
        kept = [t for t, c in df.most_common(self.max_features) if c >= self.min_df]
        kept.sort()
        self.vocabulary_ = {t: i for i, t in enumerate(kept)}
        n = len(docs)
        self.idf_ = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept], dtype=np.float64)
        return self

    def transform(self, docs: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """TF-IDF rows for term lists (unknown terms ignored)."""
        get = self.vocabulary_.get
        indices: list[int] = []
        indptr = [0]
        for doc in docs:
            indices += [i for i in map(get, doc) if i is not None]
            indptr.append(len(indices))
        X = sp.csr_matrix((np.ones(len(indices)), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
                          shape=(len(docs), len(self.vocabulary_)))
        X.sum_duplicates()
        X.data = (1.0 + np.log(X.data)) * self.idf_[X.indices]
        norms = np.sqrt(np.bincount(np.repeat(np.arange(len(docs)), np.diff(X.indptr)), weights=X.data ** 2,
                                    minlength=len(docs)))
        X.data /= np.repeat(np.where(norms > 0, norms, 1.0), np.diff(X.indptr))
        return X


def _shape_features(call: Call, norm_texts: list[str]) -> np.ndarray:
    n = len(call.turns)
    rows = []
    for i, turn in enumerate(call.turns):
        prev_sp = call.turns[i - 1].speaker if i > 0 else None
        next_sp = call.turns[i + 1].speaker if i + 1 < n else None
        text = norm_texts[i]
        rows.append([
            i / max(n - 1, 1), float(i == 0), float(i == n - 1), float(i < 3), float(i >= n - 3),
            float(prev_sp == turn.speaker), float(prev_sp is None),
            float(next_sp == turn.speaker), float(next_sp is None),
            float(bool(_QUESTION.search(text))), min(math.log1p(len(text)) / 6.0, 1.5),
            float((call.lang or "zh") == "zh"),
            float(bool(_ENDS_AS_QUESTION.search(text))), float(bool(_EXCLAIM.search(text))),
        ])
    return np.asarray(rows, dtype=np.float64).reshape(n, SHAPE_COLUMNS)


def _shift(block: sp.csr_matrix, offset: int, bounds: np.ndarray) -> sp.csr_matrix:
    """Row i of the result is row i+offset of ``block`` within the same call, zeros elsewhere.

    ``bounds`` holds, per row, the index of its call's first row and one past its last.
    """
    n = block.shape[0]
    if n == 0:
        return block
    rows = np.arange(n) + offset
    valid = (rows >= bounds[:, 0]) & (rows < bounds[:, 1])
    picker = sp.csr_matrix((np.ones(valid.sum()), (np.nonzero(valid)[0], rows[valid])), shape=(n, n))
    return picker @ block


def call_offsets(calls: Sequence[Call]) -> np.ndarray:
    """Where each call's rows start in a matrix of the calls' turns stacked in order, plus the
    total at the end: call *k* owns rows ``offsets[k]:offsets[k + 1]``."""
    return np.cumsum([0] + [len(c.turns) for c in calls], dtype=np.int64)


def _call_bounds(calls: Sequence[Call]) -> np.ndarray:
    """Per stacked row: ``[first row of its call, one past the call's last row]``."""
    offsets = call_offsets(calls)
    lengths = np.diff(offsets)
    return np.stack([np.repeat(offsets[:-1], lengths), np.repeat(offsets[1:], lengths)], axis=1)


_COL = {label: k for k, label in enumerate(CONTEXT_LABELS)}
#: Width of the ``context`` block: four label distributions and two window-state columns.
CONTEXT_COLUMNS = 4 * len(CONTEXT_LABELS) + 2
#: Width of the optional ``own`` block: the turn's words-only label distribution.
OWN_COLUMNS = len(CONTEXT_LABELS)


def context_block(call: Call, probs: np.ndarray) -> np.ndarray:
    """Neighbour label distributions and the state of the current requirement's window.

    Columns: the previous, next, latest customer and latest agent turns' label
    distributions; then, since the latest likely customer requirement, the strongest
    sign of exploration (an agent probe or a customer need) and of action (an agent
    offer or do) — the state the missed_probe rule reads.
    """
    n, width = len(call.turns), len(CONTEXT_LABELS)
    out = np.zeros((n, CONTEXT_COLUMNS))
    last = {AGENT: None, "customer": None}
    explored = acted = 0.0
    for i, turn in enumerate(call.turns):
        if i > 0:
            out[i, :width] = probs[i - 1]
        if i + 1 < n:
            out[i, width : 2 * width] = probs[i + 1]
        if last["customer"] is not None:
            out[i, 2 * width : 3 * width] = probs[last["customer"]]
        if last[AGENT] is not None:
            out[i, 3 * width : 4 * width] = probs[last[AGENT]]
        out[i, 4 * width :] = (explored, acted)
        last[turn.speaker] = i
        p = probs[i]
        if turn.speaker == AGENT:
            explored = max(explored, p[_COL["a:explore.probe"]])
            acted = max(acted, p[_COL["a:offer"]] + p[_COL["a:do"]])
        elif p[_COL["c:requirement"]] > 0.5:
            explored, acted = 0.0, 0.0
        else:
            explored = max(explored, p[_COL["c:need"]])
    return out


class TurnFeaturizer:
    """Builds the per-turn feature matrix of calls.

    Parameters
    ----------
    tokenizer : Tokenizer, optional
        The project tokenizer (a new one if None).
    min_df, max_features : int
        Passed to :class:`TextVocabulary`.
    """

    def __init__(self, *, tokenizer: Tokenizer | None = None, min_df: int = 2,
                 max_features: int = 60000) -> None:
        self.tokenizer = tokenizer or Tokenizer()
        self.min_df = min_df
        self.max_features = max_features
        self._normalizer = Normalizer()

    def terms(self, call: Call) -> tuple[list[list[str]], list[str]]:
        """Each turn's n-gram terms and normalized text."""
        lang = call.lang or "zh"
        norm = [self._normalizer(t.text) for t in call.turns]
        tokenize = self.tokenizer.tokenize
        return [turn_terms(tokenize(text, lang, normalized=True), text) for text in norm], norm

    def fit(self, calls: Sequence[Call]) -> TurnFeaturizer:
        """Learn the text vocabulary from the calls' turns."""
        docs = [doc for call in calls for doc in self.terms(call)[0]]
        self.vocabulary_ = TextVocabulary(min_df=self.min_df, max_features=self.max_features).fit(docs)
        return self

    def base(self, call: Call) -> sp.csr_matrix:
        """The first-pass matrix of one call: text, prev, next and shape blocks."""
        return self.base_many([call])

    def base_many(self, calls: Sequence[Call]) -> sp.csr_matrix:
        """:meth:`base` of several calls, stacked (one featurization, fewer sparse ops)."""
        terms, shapes = [], []
        for call in calls:
            call_terms, norm = self.terms(call)
            terms += call_terms
            shapes.append(_shape_features(call, norm))
        text = self.vocabulary_.transform(terms)
        bounds = _call_bounds(calls)
        return sp.hstack([
            text,
            _shift(text, -1, bounds) * _NEIGHBOUR_WEIGHT,
            _shift(text, 1, bounds) * _NEIGHBOUR_WEIGHT,
            sp.csr_matrix(np.vstack(shapes) if shapes else np.zeros((0, SHAPE_COLUMNS))),
        ], format="csr")

    @staticmethod
    def with_context(base: sp.csr_matrix, call: Call, probs: np.ndarray, weight: float = 1.0,
                     own: np.ndarray | None = None) -> sp.csr_matrix:
        """Append the second-pass ``context`` block (neighbour label distributions).

        ``weight`` scales the block: below 1 the linear models need larger weights to
        lean on it, so regularisation keeps them closer to the turn's own words.
        ``own``, if given, is each turn's label distribution from a words-only model,
        appended unscaled after the block (:data:`OWN_COLUMNS` columns).
        """
        return TurnFeaturizer.with_context_many(base, [call], probs, weight, own=own)

    @staticmethod
    def with_context_many(base: sp.csr_matrix, calls: Sequence[Call], probs: np.ndarray,
                          weight: float = 1.0, own: np.ndarray | None = None) -> sp.csr_matrix:
        """:meth:`with_context` over stacked calls; ``probs`` and ``own`` stacked the same way."""
        offsets = call_offsets(calls)
        blocks = [context_block(call, probs[offsets[k] : offsets[k + 1]]) for k, call in enumerate(calls)]
        dense = np.vstack(blocks) * weight if blocks else np.zeros((0, CONTEXT_COLUMNS))
        if own is not None:
            dense = np.hstack([dense, own])
        return sp.hstack([base, sp.csr_matrix(dense)], format="csr")
