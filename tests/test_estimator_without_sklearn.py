"""Without scikit-learn, DigitClassifier is not there, with a clear error, and the rest of digitnet works.

Each test runs a fresh Python in which ``import sklearn`` fails (``sys.modules['sklearn'] = None``), so
it holds whether or not scikit-learn is installed here.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

HIDE_SKLEARN = "import sys; sys.modules['sklearn'] = None\n"


def run_without_sklearn(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", HIDE_SKLEARN + textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120)


def test_the_estimator_says_in_one_line_how_to_install_scikit_learn():
    done = run_without_sklearn("""
        from digitnet.errors import DigitnetError
        try:
            import digitnet.estimator
        except ImportError as err:
            assert isinstance(err, DigitnetError), type(err)
            print(err)
        else:
            raise SystemExit("imported without scikit-learn")
    """)
    assert done.returncode == 0, done.stderr
    message = done.stdout.strip()
    assert message == "DigitClassifier needs scikit-learn; install it with: pip install 'digitnet[sklearn]'"


def test_the_core_trains_and_predicts_without_scikit_learn():
    done = run_without_sklearn("""
        import numpy as np
        from digitnet.cli import build_parser
        from digitnet.data import Dataset
        from digitnet.presets import get_preset
        from digitnet.train import run

        build_parser()  # every command's module imports
        rng = np.random.default_rng(0)
        y = rng.integers(0, 2, 200)
        X = (rng.normal(0, 1, (200, 4)) + 3 * y[:, None]).astype(np.float32)
        recipe = get_preset("mlp").with_overrides(inputs="features", epochs=3, batch_size=20).for_data(4, 2)
        trained = run(recipe, Dataset.from_arrays(X, y), seed=0)
        print(np.mean(trained.network.predict(X) == y))
        assert not any(name == "sklearn" or name.startswith("sklearn.") for name in sys.modules
                       if sys.modules[name] is not None)
    """)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) > 0.9
