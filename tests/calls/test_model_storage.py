"""A stored call model answers exactly as the model that was trained, and is stored lean: the
fitted scikit-learn classifier is not kept (its folds' weights are), nor what can be derived
again (the feature names, the mean weights that explain a suggestion, the lookup tables)."""

import pickle
from collections import Counter
from typing import Any

import numpy as np
from scipy.sparse import hstack

from outpost.calls.model import Classifier, situation_features
from outpost.calls.training import SAMPLE, default_classifier, read_rows
from tests.calls.test_classify import DIVERTED

TEXTS = [*DIVERTED, *(r["content"] for r in read_rows(SAMPLE))]


def answers(classifier: Classifier) -> list[tuple[str, float, tuple[str, ...], float]]:
    return [
        (s.label, round(s.confidence, 9), tuple(n for n, _ in s.why), round(s.police, 9))
        for s in (classifier.suggest(t) for t in TEXTS)
    ]


def test_it_answers_from_the_stored_bytes_as_the_trained_model_does() -> None:
    trained = default_classifier()
    loaded = Classifier.from_bytes(trained.to_bytes())
    assert answers(loaded) == answers(trained)
    assert [s.label for s in loaded.suggest_many(TEXTS)] == [a[0] for a in answers(trained)]


def test_it_stores_no_fitted_classifier_and_nothing_derived() -> None:
    loaded = Classifier.from_bytes(default_classifier().to_bytes())
    blob = loaded.to_bytes()
    loaded.suggest("楼上半夜还在装修")  # answering builds the lookup tables
    assert "_lookup" in vars(loaded)
    state = loaded.__getstate__()
    assert {"model", "names", "coef", "_lookup", "_idf"}.isdisjoint(state)
    assert {"grams", "cues", "classes", "weights", "intercepts", "slopes", "offsets"} <= set(state)
    assert loaded.to_bytes() == blob  # the same bytes before and after answering


def small_model() -> tuple[Classifier, Any]:
    """A model trained here with scikit-learn's own classes, and the fitted classifier it came
    from (which `Classifier` does not keep)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.svm import LinearSVC

    counts = Counter(DIVERTED.values())
    chosen = {text: label for text, label in DIVERTED.items() if counts[label] >= 3}
    texts, labels = list(chosen), list(chosen.values())
    grams = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)).fit(texts)
    cues = CountVectorizer(analyzer=situation_features, binary=True).fit(texts)
    x = hstack([grams.transform(texts), cues.transform(texts)]).tocsr()
    fitted = CalibratedClassifierCV(LinearSVC(random_state=0), cv=3).fit(x, labels)
    return Classifier(grams, cues, fitted), fitted


def test_it_explains_with_the_mean_of_the_folds_weights_also_once_loaded() -> None:
    made, fitted = small_model()
    folds = fitted.calibrated_classifiers_
    mean = sum(f.estimator.coef_ for f in folds) / len(folds)
    names = [*made.grams.get_feature_names_out(), *made.cues.get_feature_names_out()]
    loaded = Classifier.from_bytes(made.to_bytes())
    for model in (made, loaded):
        assert model.coef.shape == mean.shape == (len(fitted.classes_), len(names))
        assert np.allclose(model.coef, mean, rtol=0, atol=1e-12)
        assert model.names == names
    x = hstack([made.grams.transform(TEXTS[:20]), made.cues.transform(TEXTS[:20])]).tocsr()
    assert np.allclose(loaded._probabilities(x), fitted.predict_proba(x), atol=1e-9)


def test_it_loads_a_model_stored_with_its_fitted_classifier() -> None:
    """Models stored before this layout (v1 of a deployed desk) held the fitted classifier,
    the names and the mean weights: they load, drop them, derive their own, answer alike."""
    made, fitted = small_model()
    older = {**made.__getstate__(), "model": fitted, "names": made.names, "coef": made.coef}
    loaded = Classifier.__new__(Classifier)
    loaded.__setstate__(pickle.loads(pickle.dumps(older)))
    assert "model" not in vars(loaded)
    assert np.allclose(loaded.coef, made.coef, rtol=0, atol=1e-12) and loaded.names == made.names
    assert answers(loaded) == answers(made)
    assert loaded.to_bytes() == made.to_bytes()
