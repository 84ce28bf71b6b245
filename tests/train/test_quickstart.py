"""The quickstart example learns: >= 95% test accuracy on digits, the same twice per seed."""

import importlib.util
import pathlib

import pytest

pytest.importorskip("sklearn")

QUICKSTART = pathlib.Path(__file__).resolve().parents[2] / "examples" / "quickstart.py"


def _load_quickstart():
    spec = importlib.util.spec_from_file_location("kc_quickstart", QUICKSTART)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.grad
def test_quickstart_cnn_learns_digits_reproducibly():
    quickstart = _load_quickstart()
    first = quickstart.train(verbose=0)
    second = quickstart.train(verbose=0)
    assert first >= 0.95, f"test accuracy {first:.3f} < 0.95"
    assert first == second, f"same seed, different accuracies: {first} and {second}"


def test_quickstart_main_runs(capsys):
    """On numpy the script explains that it cannot train; elsewhere it prints the accuracy."""
    quickstart = _load_quickstart()
    if quickstart.keras.config.backend() != "numpy":
        pytest.skip("main() trains: covered by the test above")
    quickstart.main()
    assert "numpy backend cannot train" in capsys.readouterr().out
