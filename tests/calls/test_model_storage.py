"""A stored call model answers exactly as the model that was trained, and is stored lean: the
fitted scikit-learn classifier is not kept (its folds' weights are), nor what can be derived
again (the feature names, the mean weights that explain a suggestion, the lookup tables)."""

import pickle

from outpost.calls.model import Classifier
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
    trained = default_classifier()
    state = pickle.loads(pickle.dumps(trained.__getstate__()))
    assert {"model", "names", "coef", "_lookup"}.isdisjoint(state)
    assert {"grams", "cues", "classes", "weights", "intercepts", "slopes", "offsets"} <= set(state)
    # Answering builds lookup tables; the model still pickles to the same bytes.
    blob = trained.to_bytes()
    trained.suggest("楼上半夜还在装修")
    assert trained.to_bytes() == blob


def test_it_loads_a_model_stored_with_its_fitted_classifier() -> None:
    """Models stored before this layout (v1 of a deployed desk) held the fitted classifier,
    the names and the mean weights: they load, drop them and answer alike."""
    trained = default_classifier()
    older = {**trained.__getstate__(), "model": object(), "names": [], "coef": None}
    loaded = Classifier.__new__(Classifier)
    loaded.__setstate__(older)
    assert "model" not in vars(loaded)
    assert answers(loaded) == answers(trained)
