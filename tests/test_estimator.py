"""The scikit-learn-style DigitClassifier: parameter protocol, fit/predict/score, arbitrary labels."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet import DigitClassifier
from digitnet.errors import DigitnetError


def test_params_round_trip_and_repr():
    clf = DigitClassifier(hidden=(32,), epochs=3)
    assert clf.get_params()["hidden"] == (32,)
    assert clf.set_params(lr=0.2) is clf and clf.lr == 0.2
    assert repr(clf) == "DigitClassifier(hidden=(32,), lr=0.2, epochs=3)"
    with pytest.raises(DigitnetError, match="no setting"):
        clf.set_params(learning_rate=1)


def test_fit_predict_with_string_labels(blobs):
    X, y = blobs
    names = np.array(["cat", "dog", "emu"])[y]
    clf = DigitClassifier(hidden=(16,), epochs=5, batch_size=32, validation_fraction=0.1,
                          inputs="features").fit(X[:500], names[:500])
    assert list(clf.classes_) == ["cat", "dog", "emu"]
    assert clf.predict(X[500:]).dtype == names.dtype
    assert clf.score(X[500:], names[500:]) > 0.95
    assert clf.predict_proba(X[:3]).shape == (3, 3)
    assert clf.history_.best_epoch is not None


def test_unfitted_and_one_class_errors(blobs):
    X, _ = blobs
    with pytest.raises(DigitnetError, match="not fitted"):
        DigitClassifier().predict(X)
    with pytest.raises(DigitnetError, match="two classes"):
        DigitClassifier().fit(X, np.zeros(len(X)))


@pytest.mark.slow
def test_the_readme_python_example_prints_the_figure_it_shows(mnist):
    """The README's first Python example says what it prints; this run is where that number comes from."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    shown = re.search(r"clf = (DigitClassifier\(hidden=\(256,\), epochs=5\)).*\n.*# (0\.\d+) \(seed 0\)", readme)
    assert shown, "the README example changed: update this test with it"
    clf = DigitClassifier(hidden=(256,), epochs=5).fit(mnist.train_images, mnist.train_labels)
    assert f"{clf.score(mnist.test_images, mnist.test_labels):.3f}" == shown.group(2)
