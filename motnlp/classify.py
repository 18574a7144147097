"""Classify stage: the two-pass MOT turn classifier.

Pass 1 labels each turn from its own text, its neighbours' text and its shape. Pass 2
adds the predicted label distributions of the neighbouring turns (was the previous
customer turn a requirement? was the last agent turn an offer?) and, from a small
model that reads only the turn's own words, what those words alone say. Agent and customer
turns have separate linear models, since the speaker decides the label set.
Probabilities are a softmax over the linear scores with a temperature fitted on
out-of-fold predictions, so confidences are calibrated.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import GroupKFold
from sklearn.svm import LinearSVC

from .calls import Call
from .errors import E, MotnlpError
from .featurize import CONTEXT_LABELS, TurnFeaturizer, call_offsets
from .labels import AGENT, CUSTOMER, labels_for
from .tokenize import Tokenizer

__all__ = ["LinearLayer", "MotClassifier"]


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class LinearLayer:
    """A fitted linear model as plain arrays: scores = X @ coef.T + intercept."""

    def __init__(self, classes: Sequence[str], coef: np.ndarray, intercept: np.ndarray,
                 temperature: float = 1.0) -> None:
        self.classes = list(classes)
        # Kept transposed and C-ordered in float32 (sparse @ dense is fastest that way, with
        # the features cast to float32 too): scipy then never copies the weights per call.
        self._coef_t = np.ascontiguousarray(np.asarray(coef, dtype=np.float32).T)
        self.intercept = intercept
        self.temperature = temperature

    @property
    def coef(self) -> np.ndarray:
        """Weights, one row per class (a view)."""
        return self._coef_t.T

    @classmethod
    def fit(cls, X: sp.csr_matrix, y: Sequence[str], classes: Sequence[str], *, C: float,
            random_state: int, class_weight: str | None = "balanced") -> LinearLayer:
        """Fit a one-vs-rest linear SVM over ``classes`` (absent classes get -inf bias)."""
        present = sorted(set(y), key=list(classes).index)
        coef = np.zeros((len(classes), X.shape[1]), dtype=np.float32)
        intercept = np.full(len(classes), -1e3, dtype=np.float32)
        if len(present) == 1:
            intercept[list(classes).index(present[0])] = 1e3
            return cls(classes, coef, intercept)
        svm = LinearSVC(C=C, class_weight=class_weight, random_state=random_state, max_iter=5000)
        svm.fit(X, y)
        rows = [list(classes).index(c) for c in svm.classes_]
        if len(svm.classes_) == 2:  # binary: one weight vector for the second class
            coef[rows[1]], intercept[rows[1]] = svm.coef_[0], svm.intercept_[0]
            coef[rows[0]], intercept[rows[0]] = -svm.coef_[0], -svm.intercept_[0]
        else:
            coef[rows], intercept[rows] = svm.coef_, svm.intercept_
        return cls(classes, coef, intercept)

    def scores(self, X: sp.csr_matrix) -> np.ndarray:
        """Linear scores, one column per class."""
        return np.asarray(X.astype(np.float32, copy=False) @ self._coef_t, dtype=np.float64) + self.intercept

    def proba(self, X: sp.csr_matrix) -> np.ndarray:
        """Calibrated class probabilities."""
        return _softmax(self.scores(X), self.temperature)

    def fit_temperature(self, scores: np.ndarray, y: Sequence[str]) -> None:
        """Choose the softmax temperature minimising log-loss on held-out ``scores``."""
        idx = np.array([self.classes.index(label) for label in y])

        def nll(t: float) -> float:
            p = _softmax(scores, t)[np.arange(len(idx)), idx]
            return float(-np.log(np.clip(p, 1e-12, None)).mean())

        self.temperature = float(minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded").x)


def _speakers(calls: Sequence[Call]) -> np.ndarray:
    return np.array([t.speaker for c in calls for t in c.turns])


class MotClassifier(ClassifierMixin, BaseEstimator):
    """Labels every turn of a call with its MOT label.

    Parameters
    ----------
    C : float, default 1.0
        Inverse regularisation of the linear SVMs.
    two_pass : bool, default True
        Add neighbour label distributions in a second pass.
    context_weight : float, default 1.0
        Scale of the second pass's context columns. Below 1 the context is regularised
        harder than the text. With ``own_words`` on, 1.0 scored best in 5-fold
        cross-validation on the shipped corpus's train split (0.3, 0.5 and 1.0 tried).
    own_words : bool, default True
        Give pass 2 the label distribution of a words-only model of the turn itself
        (its own text block, no neighbours or shape). Without it, a neighbour's label
        (an empathy reply, say) can outvote what the customer actually asked for.
    cv : int, default 5
        Folds (grouped by call) for the out-of-fold first-pass predictions that train
        the second pass, and for fitting the temperature.
    min_df, max_features : int
        Text vocabulary size controls.
    class_weight : {"balanced", None}, default "balanced"
        Class weighting of the linear SVMs.
    random_state : int, default 0
        Seed for everything random in training.

    Attributes
    ----------
    featurizer_ : TurnFeaturizer
    pass1_, pass2_ : dict of {speaker: LinearLayer}
    words_ : dict of {speaker: LinearLayer} or None
        The words-only model (``own_words``).
    context_weight_ : float
        The context scale the second pass was fitted with (used when predicting).
    """

    def __init__(self, *, C: float = 1.0, two_pass: bool = True, context_weight: float = 1.0,
                 own_words: bool = True, cv: int = 5, min_df: int = 2, max_features: int = 60000,
                 class_weight: str | None = "balanced", random_state: int = 0) -> None:
        self.C = C
        self.class_weight = class_weight
        self.two_pass = two_pass
        self.context_weight = context_weight
        self.own_words = own_words
        self.cv = cv
        self.min_df = min_df
        self.max_features = max_features
        self.random_state = random_state

    # -- training -------------------------------------------------------------
    def fit(self, calls: Sequence[Call], y: object = None, *, tokenizer: Tokenizer | None = None) -> MotClassifier:
        """Learn from calls whose turns carry gold ``label`` s."""
        calls = [c for c in calls if c.turns]
        if not any(t.label for c in calls for t in c.turns):
            raise MotnlpError(E.E023, what="train on")
        self.featurizer_ = TurnFeaturizer(tokenizer=tokenizer, min_df=self.min_df,
                                          max_features=self.max_features).fit(calls)
        bases = [self.featurizer_.base(c) for c in calls]
        self.pass1_ = self._fit_layers(calls, bases)
        self.pass2_ = self.words_ = None
        self.context_weight_ = float(self.context_weight)
        if self.two_pass:
            oof = self._out_of_fold(calls, bases)
            own: Sequence[np.ndarray | None] = [None] * len(calls)
            if self.own_words:
                words = [self._words_block(b) for b in bases]
                self.words_ = self._fit_layers(calls, words)
                own = self._out_of_fold(calls, words)
            ctx = [TurnFeaturizer.with_context(b, c, p, self.context_weight_, own=o)
                   for b, c, p, o in zip(bases, calls, oof, own, strict=True)]
            self.pass2_ = self._fit_layers(calls, ctx)
            self._fit_temperatures(calls, ctx, self.pass2_)
        else:
            self._fit_temperatures(calls, bases, self.pass1_)
        self.classes_ = {AGENT: list(labels_for(AGENT)), CUSTOMER: list(labels_for(CUSTOMER))}
        return self

    def _fit_layers(self, calls: Sequence[Call], mats: Sequence[sp.csr_matrix]) -> dict[str, LinearLayer]:
        X = sp.vstack(mats, format="csr")
        speakers = np.array([t.speaker for c in calls for t in c.turns])
        labels = np.array([t.label for c in calls for t in c.turns], dtype=object)
        layers = {}
        for speaker in (AGENT, CUSTOMER):
            rows = np.nonzero((speakers == speaker) & (labels != None))[0]  # noqa: E711
            if len(rows) == 0:
                raise MotnlpError(E.E023, what=f"train the {speaker} model on")
            layers[speaker] = LinearLayer.fit(X[rows], labels[rows].tolist(), labels_for(speaker),
                                              C=self.C, random_state=self.random_state,
                                              class_weight=self.class_weight)
        return layers

    def _folds(self, calls: Sequence[Call]) -> list[tuple[np.ndarray, np.ndarray]]:
        n_splits = min(self.cv, len(calls))
        order = np.random.RandomState(self.random_state).permutation(len(calls))
        return list(GroupKFold(n_splits=n_splits).split(order, groups=order))

    def _words_block(self, base: sp.csr_matrix) -> sp.csr_matrix:
        """The turn's own text columns of a :meth:`TurnFeaturizer.base` matrix."""
        return base[:, : len(self.featurizer_.vocabulary_.vocabulary_)]

    def _out_of_fold(self, calls: Sequence[Call], mats: Sequence[sp.csr_matrix]) -> list[np.ndarray]:
        """Label distributions for every call from layers fitted on ``mats``, each by a
        model not trained on that call."""
        probs: list[np.ndarray] = [np.zeros(0)] * len(calls)
        for train_idx, test_idx in self._folds(calls):
            layers = self._fit_layers([calls[i] for i in train_idx], [mats[i] for i in train_idx])
            for i in test_idx:
                probs[i] = self._distribution(_speakers([calls[i]]), mats[i], layers)
        return probs

    def _fit_temperatures(self, calls: Sequence[Call], mats: Sequence[sp.csr_matrix],
                          layers: dict[str, LinearLayer]) -> None:
        """Fit each speaker's temperature on out-of-fold scores of the final pass."""
        held: dict[str, list] = {AGENT: [], CUSTOMER: []}
        for train_idx, test_idx in self._folds(calls):
            train_calls = [calls[i] for i in train_idx]
            fold_layers = self._fit_layers(train_calls, [mats[i] for i in train_idx])
            for i in test_idx:
                for speaker in (AGENT, CUSTOMER):
                    rows = [k for k, t in enumerate(calls[i].turns) if t.speaker == speaker and t.label]
                    if rows:
                        held[speaker].append((fold_layers[speaker].scores(mats[i][rows]),
                                              [calls[i].turns[k].label for k in rows]))
        for speaker, items in held.items():
            if items:
                layers[speaker].fit_temperature(np.vstack([s for s, _ in items]),
                                                [y for _, ys in items for y in ys])

    # -- prediction -----------------------------------------------------------
    @staticmethod
    def _distribution(speakers: np.ndarray, X: sp.csr_matrix, layers: dict[str, LinearLayer]) -> np.ndarray:
        """Per-turn probabilities laid out over :data:`CONTEXT_LABELS`."""
        out = np.zeros((len(speakers), len(CONTEXT_LABELS)))
        n_agent = len(labels_for(AGENT))
        for speaker, offset in ((AGENT, 0), (CUSTOMER, n_agent)):
            rows = np.nonzero(speakers == speaker)[0]
            if len(rows):
                p = layers[speaker].proba(X[rows])
                out[rows, offset : offset + p.shape[1]] = p
        return out

    def predict_proba(self, calls: Sequence[Call]) -> list[np.ndarray]:
        """For each call, a (turns × 16) array over agent then customer labels.

        A turn's row is non-zero only on its own speaker's labels and sums to 1. The
        calls are featurized and scored together, so passing many at once is faster.
        """
        filled = [c for c in calls if c.turns]
        probs = np.zeros((0, len(CONTEXT_LABELS)))
        if filled:
            speakers = _speakers(filled)
            base = self.featurizer_.base_many(filled)
            probs = self._distribution(speakers, base, self.pass1_)
            if self.pass2_ is not None:
                own = None
                if self.words_ is not None:
                    own = self._distribution(speakers, self._words_block(base), self.words_)
                context = TurnFeaturizer.with_context_many(base, filled, probs, self.context_weight_, own=own)
                probs = self._distribution(speakers, context, self.pass2_)
        offsets = call_offsets(calls)  # empty calls own no rows
        return [probs[offsets[k] : offsets[k + 1]] for k in range(len(calls))]

    def predict(self, calls: Sequence[Call]) -> list[list[tuple[str, float]]]:
        """For each call, ``(label, confidence)`` per turn."""
        results = []
        for probs in self.predict_proba(calls):
            best = probs.argmax(axis=1)
            results.append([(CONTEXT_LABELS[k].split(":", 1)[1], float(p[k])) for k, p in zip(best, probs, strict=True)])
        return results
