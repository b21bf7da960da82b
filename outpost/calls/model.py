"""The call model: which 09xx sub-type a call without danger signs belongs to, and how sure.

Pure Python with scikit-learn, no Django; scikit-learn is imported only when a model is trained
or loaded, so starting the site does not pay for it. Features are the call's character n-grams
(1 to 3 characters inside words, TF-IDF weighted) and the rule vocabulary's situations found in
it (`classify.find_situations`, one feature per situation name); a linear SVM calibrated by
five-fold cross-validation (sigmoid) gives each class a probability. Classes are the sub-types
and POLICE (the sample's police calls and the operators' "keep with the police").

Training is deterministic (fixed folds, fixed random_state), so the model shipped by default is
the same on every machine and database.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from outpost.calls.classify import find_danger, find_situations, normalise

POLICE_LABEL = "POLICE"
CUE_PREFIX = "cue:"
CUE_WEIGHT = 0.6  # a situation feature against the unit-length n-gram vector
RANDOM_STATE = 0
FOLDS = 5
# 2.0 (from 1.0) measured across authors (bench/divert_authors.py): right +1 on dev_calls, +12 on
# the written corpus, equal elsewhere, the same police calls diverted by the model alone.
C = 2.0
ANALYZER = "char_wb"
NGRAMS = (1, 3)
WHY = 5  # n-grams shown as the reason for a suggestion
# Examples from a source weigh this much (others 1): our police phrasings teach the POLICE class
# new wording without outweighing the sample's own calls of everyday matters.
SOURCE_WEIGHTS: dict[str, float] = {"police_phrases": 0.5}


@dataclass(frozen=True)
class Example:
    """One training call: its text and the right answer, POLICE or a 09xx sub-type."""

    text: str
    label: str
    source: str = ""  # sample, descriptions, police_phrases, written, correction, confirmation
    group: str = ""  # the written corpus's group: its voices of one call are held out together


@dataclass(frozen=True)
class Suggestion:
    """What the model says about one call: the class, its probability and the features that
    weighed most for it, each (feature, contribution) with the largest first."""

    label: str
    confidence: float
    why: tuple[tuple[str, float], ...] = ()
    police: float = 0.0  # the model's probability of the POLICE class, whatever `label` is


def prepared(text: str) -> str:
    """The text the features read: traditional characters folded, trimmed, upper-cased."""
    return normalise(text)


def seen_by_model(example: Example) -> bool:
    """Whether the model trains on an example: a police call always; any other call only when
    the danger rule lets it through. The model never decides a call the rule keeps, and
    learning from a harmless call that uses danger words (a hurt cat, a smoke alarm's battery)
    only teaches it that such words are harmless, weakening it on police calls the rule misses."""
    return example.label == POLICE_LABEL or find_danger(prepared(example.text)) is None


def situation_features(text: str) -> list[str]:
    """One token per rule situation whose cues occur (the analyzer of the cue vectorizer)."""
    return [CUE_PREFIX + s.name for s in find_situations(text)]


class Classifier:
    """A trained model: the two vectorizers and the calibrated linear classifier's folds (their
    weights and sigmoids) with its classes."""

    def __init__(self, grams: Any, cues: Any, model: Any) -> None:
        # Only what answering needs is kept: the fitted CalibratedClassifierCV itself is not
        # (its folds' weights are all in `weights`, and it would double a stored model's size).
        self.grams, self.cues = grams, cues
        self.classes: list[str] = [str(c) for c in model.classes_]
        folds = model.calibrated_classifiers_
        # The folds' weights side by side, with their sigmoids, to answer one call without
        # scikit-learn's per-call checks (`_probabilities`; the same numbers as predict_proba).
        self.weights = _stack([c.estimator.coef_.T for c in folds], axis=1)
        self.intercepts = _stack([c.estimator.intercept_ for c in folds], axis=0)
        self.slopes = _stack([[k.a_ for k in c.calibrators] for c in folds], axis=0)
        self.offsets = _stack([[k.b_ for k in c.calibrators] for c in folds], axis=0)
        self._explainers()

    def _explainers(self) -> None:
        """The feature names and the linear weights behind the probabilities (the mean of the
        calibrated folds'), derived from the vectorizers and `weights`, so not stored."""
        self.names = [*self.grams.get_feature_names_out(), *self.cues.get_feature_names_out()]
        k = len(self.classes)
        folds = self.weights.reshape(self.weights.shape[0], -1, k)
        self.coef = folds.mean(axis=1).T

    @classmethod
    def train(cls, examples: Sequence[Example]) -> Classifier:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
        from sklearn.svm import LinearSVC

        # One example per text, the last word on it winning (an operator's correction comes after
        # the sample): the sample repeats its wordings, and twelve copies of one call should not
        # outweigh a dozen different ones.
        latest = {prepared(e.text): e for e in examples if seen_by_model(e)}
        texts, labels = list(latest), [e.label for e in latest.values()]
        weights = [SOURCE_WEIGHTS.get(e.source, 1.0) for e in latest.values()]
        grams = TfidfVectorizer(analyzer=ANALYZER, ngram_range=NGRAMS, sublinear_tf=True)
        cues = CountVectorizer(analyzer=situation_features, binary=True)
        grams.fit(texts)
        cues.fit(texts)
        svm = LinearSVC(C=C, class_weight="balanced", random_state=RANDOM_STATE)
        model = CalibratedClassifierCV(svm, cv=FOLDS, method="sigmoid")
        model.fit(_features(grams, cues, texts), labels, sample_weight=weights)
        return cls(grams, cues, model)

    def suggest_one(self, text: str) -> Suggestion:
        """One call without building a sparse matrix: the analyzers' features looked up in the
        vocabularies, weighted as the vectorizers weigh them (sublinear tf × idf, unit length;
        the situations × CUE_WEIGHT). The same answer as `suggest_many`, far faster for one."""
        import numpy as np

        if not hasattr(self, "_lookup"):
            self._index()
        counts: dict[int, int] = {}
        for gram in self._analyse(text):
            j = self._lookup.get(gram)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        columns = list(counts)
        values = np.array([(1 + np.log(counts[j])) * self._idf[j] for j in columns])
        norm = float(np.sqrt((values**2).sum())) if columns else 0.0
        if norm:
            values = values / norm
        cues = [self._cue_lookup[c] for c in set(situation_features(text)) if c in self._cue_lookup]
        columns += cues
        values = np.concatenate([values, np.full(len(cues), CUE_WEIGHT)])
        x = values @ self.weights[columns] if columns else np.zeros(self.weights.shape[1])
        probabilities = self._calibrated(x.reshape(1, -1))[0]
        return self._explained(columns, values, probabilities)

    def _index(self) -> None:
        self._analyse = self.grams.build_analyzer()
        self._lookup: dict[str, int] = dict(self.grams.vocabulary_)
        self._idf = self.grams.idf_
        offset = len(self._lookup)
        self._cue_lookup = {c: offset + j for c, j in self.cues.vocabulary_.items()}

    def suggest_many(self, texts: Iterable[str]) -> list[Suggestion]:
        prepared_texts = [prepared(t) for t in texts]
        if not prepared_texts:
            return []
        x = _features(self.grams, self.cues, prepared_texts)
        probabilities = self._probabilities(x)
        return [self._suggestion(x[i], row) for i, row in enumerate(probabilities)]

    def _probabilities(self, x: Any) -> Any:
        """Each fold's sigmoid-calibrated one-vs-rest scores, normalised per fold, averaged
        over the folds (as CalibratedClassifierCV.predict_proba computes them)."""
        import numpy as np

        return self._calibrated(np.asarray(x @ self.weights))

    def _calibrated(self, products: Any) -> Any:
        """Probabilities from the features' products with the stacked weights."""
        import numpy as np

        k = len(self.classes)
        scores = products + self.intercepts
        per_class = 1.0 / (1.0 + np.exp(self.slopes * scores + self.offsets))
        per_fold = per_class.reshape(len(per_class), -1, k)
        totals = per_fold.sum(axis=2, keepdims=True)
        normalised = np.where(totals > 0, per_fold / np.where(totals > 0, totals, 1), 1.0 / k)
        return normalised.mean(axis=1)

    def suggest(self, text: str) -> Suggestion:
        return self.suggest_one(prepared(text))

    def _suggestion(self, x: Any, probabilities: Any) -> Suggestion:
        row = x.tocsr()
        return self._explained(list(row.indices), row.data, probabilities)

    def _explained(self, columns: list[int], values: Any, probabilities: Any) -> Suggestion:
        best = int(probabilities.argmax())
        merged: dict[str, float] = {}
        for j, v in zip(columns, values, strict=True):
            name = _shown(self.names[j])  # " 有" (a word's start) and "有" show alike
            merged[name] = merged.get(name, 0.0) + float(v * self.coef[best][j])
        top = sorted((w for w in merged.items() if w[1] > 0), key=lambda w: (-w[1], w[0]))
        why = tuple((name, round(w, 3)) for name, w in top[:WHY])
        police = self.classes.index(POLICE_LABEL) if POLICE_LABEL in self.classes else None
        risk = float(probabilities[police]) if police is not None else 0.0
        return Suggestion(self.classes[best], float(probabilities[best]), why, risk)

    def __getstate__(self) -> dict[str, Any]:
        # What is derived (the explainers, the lookup tables `_index` builds on first use) is
        # left out: rebuilt when loaded or used, and a model pickles the same before and after
        # answering (`learning.consider` compares).
        return {k: v for k, v in self.__dict__.items() if k not in _DERIVED}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # A model stored before this layout also holds its fitted "model", unused: dropped.
        self.__dict__.update({k: v for k, v in state.items() if k not in _DERIVED})
        self._explainers()

    def to_bytes(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def from_bytes(blob: bytes) -> Classifier:
        # Only blobs this code wrote into the database are ever loaded.
        loaded = pickle.loads(blob)
        if not isinstance(loaded, Classifier):
            raise TypeError("not a call model")
        return loaded


_DERIVED = frozenset({"model", "names", "coef", "_analyse", "_lookup", "_idf", "_cue_lookup"})


def _stack(parts: list[Any], axis: int) -> Any:
    import numpy as np

    return np.concatenate([np.asarray(p, dtype=float) for p in parts], axis=axis)


def _features(grams: Any, cues: Any, texts: list[str]) -> Any:
    from scipy.sparse import hstack

    return hstack([grams.transform(texts), cues.transform(texts) * CUE_WEIGHT]).tocsr()


def _shown(name: str) -> str:
    """A feature as the desk shows it: the n-gram itself, a situation by its name."""
    return name.strip() or "␣"
