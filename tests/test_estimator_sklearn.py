"""DigitClassifier as a scikit-learn estimator: every check of check_estimator, tags, and the tools
that build on them (pipelines, cross-validation, grid search).

The estimators checked are the ones a user gets: ``DigitClassifier()`` with every default, and the same
reading its input as features. The checks fit on 15 to 300 samples; ``epochs="auto"`` makes that at
least 500 gradient steps (the preset's 10 epochs of batches of 128 would be 30 steps on 300 samples,
too few to learn the three blobs ``check_classifiers_train`` asks for), which keeps each check suite
to a few seconds.
"""

from __future__ import annotations

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")

from sklearn.base import BaseEstimator, ClassifierMixin, clone, is_classifier  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.utils import get_tags  # noqa: E402
from sklearn.utils.estimator_checks import check_estimator  # noqa: E402

from digitnet.estimator import DigitClassifier  # noqa: E402

CHECKED = {"pixels": DigitClassifier(), "features": DigitClassifier(inputs="features")}


# a few checks fit random labels, which a short run cannot learn: the estimator's TrainingNote says so, as
# MLPClassifier's ConvergenceWarning does
@pytest.mark.filterwarnings("ignore::digitnet.train.step.TrainingNote")
@pytest.mark.parametrize("inputs", CHECKED)
def test_check_estimator_passes_every_check_with_the_default_parameters(inputs):
    estimator = CHECKED[inputs]
    assert estimator.get_params() == {**DigitClassifier().get_params(), "inputs": CHECKED[inputs].inputs}
    results = check_estimator(estimator, on_fail=None, on_skip=None)
    failed = {r["check_name"]: repr(r["exception"]) for r in results if r["status"] == "failed"}
    assert not failed
    ran = [r for r in results if r["status"] == "passed"]
    assert len(ran) >= 50  # scikit-learn 1.9 runs 54 or 55 for a classifier; a few are skipped by its own conditions
    skipped = {r["check_name"] for r in results if r["status"] == "skipped"}
    assert skipped <= {"check_array_api_input"}, skipped  # needs SCIPY_ARRAY_API and array API support


def test_it_is_built_the_way_scikit_learn_builds_classifiers():
    assert issubclass(DigitClassifier, ClassifierMixin) and issubclass(DigitClassifier, BaseEstimator)
    assert DigitClassifier.score is ClassifierMixin.score
    assert "_more_tags" not in vars(DigitClassifier)  # scikit-learn >= 1.6 reads __sklearn_tags__


def test_tags_say_what_the_estimator_takes():
    assert is_classifier(DigitClassifier())
    pixels, features = get_tags(DigitClassifier()), get_tags(DigitClassifier(inputs="features"))
    assert pixels.input_tags.positive_only and not features.input_tags.positive_only
    assert not pixels.input_tags.allow_nan and not pixels.input_tags.sparse
    assert pixels.classifier_tags.multi_class and not pixels.non_deterministic


def test_unfitted_use_is_scikit_learns_not_fitted_error(blobs):
    with pytest.raises(NotFittedError):
        DigitClassifier().predict_proba(blobs[0])


def test_nan_is_reported_as_bad_input(blobs):
    X, y = blobs
    X = X.copy()
    X[3, 4] = np.nan
    with pytest.raises(ValueError, match="NaN") as caught:
        DigitClassifier(inputs="features", epochs=1).fit(X, y)
    assert "learning rate" not in str(caught.value)


def test_pipeline_cross_validation_and_grid_search(blobs):
    from sklearn.model_selection import GridSearchCV, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = blobs
    pipe = make_pipeline(StandardScaler(), DigitClassifier(inputs="features", hidden=8, epochs=3, batch_size=32))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.9
    search = GridSearchCV(DigitClassifier(inputs="features", epochs=2, batch_size=32),
                          {"hidden": [4, (8,)], "lr": [0.01, 0.05]}, cv=2).fit(X, y)
    assert set(search.best_params_) == {"hidden", "lr"} and search.best_score_ > 0.9
    assert clone(search.best_estimator_).get_params()["hidden"] in (4, (8,))


def test_data_frame_column_names_are_kept_and_checked(blobs):
    pd = pytest.importorskip("pandas")
    X, y = blobs
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = DigitClassifier(inputs="features", hidden=8, epochs=2).fit(frame, y)
    assert list(clf.feature_names_in_) == list(frame.columns)
    with pytest.warns(UserWarning, match="feature names"):
        clf.predict(X)
