"""`Model.summary()` text checked character for character against what Keras 3 prints:
cell wrapping (break at spaces, an over-long word cut with "…"), eager subclassed-model
shapes, and one `print_fn` call with the whole text."""

import numpy as np
import pytest

import kc
from kc import layers
from kc.models._summary import _wrap_cell

FUNC = (
    'Model: "f"\n'
    '┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓\n'
    '┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃\n'
    '┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩\n'
    '│ in (InputLayer)     │ (None, 8)         │          0 │ -                 │\n'
    '├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n'
    '│ ln                  │ (None, 8)         │         16 │ in[0][0]          │\n'
    '│ (LayerNormalizatio… │                   │            │                   │\n'
    '├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n'
    '│ dense_with_a_reall… │ (None, 8)         │         72 │ in[0][0]          │\n'
    '│ (Dense)             │                   │            │                   │\n'
    '├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n'
    '│ add (Add)           │ (None, 8)         │          0 │ ln[0][0],         │\n'
    '│                     │                   │            │ dense_with_a_rea… │\n'
    '└─────────────────────┴───────────────────┴────────────┴───────────────────┘\n'
    ' Total params: 88 (352.00 B)\n'
    ' Trainable params: 88 (352.00 B)\n'
    ' Non-trainable params: 0 (0.00 B)\n'
)
SEQ = (
    'Model: "seq"\n'
    '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n'
    '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n'
    '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n'
    '│ d (Dense)                       │ (None, 4)              │            28 │\n'
    '└─────────────────────────────────┴────────────────────────┴───────────────┘\n'
    ' Total params: 28 (112.00 B)\n'
    ' Trainable params: 28 (112.00 B)\n'
    ' Non-trainable params: 0 (0.00 B)\n'
)
SUB = (
    'Model: "sub"\n'
    '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n'
    '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n'
    '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n'
    '│ dense (Dense)                   │ (2, 5)                 │            35 │\n'
    '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
    '│ out (Dense)                     │ (2, 3)                 │            18 │\n'
    '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
    '│ unused (Dense)                  │ ?                      │   0 (unbuilt) │\n'
    '└─────────────────────────────────┴────────────────────────┴───────────────┘\n'
    ' Total params: 53 (212.00 B)\n'
    ' Trainable params: 53 (212.00 B)\n'
    ' Non-trainable params: 0 (0.00 B)\n'
)


def _capture(model, **kwargs):
    calls = []

    def print_fn(*args, **kw):
        calls.append((args, kw))

    model.summary(print_fn=print_fn, **kwargs)
    assert len(calls) == 1 and calls[0][1] == {}, calls  # one call, the whole text, no kwargs
    return calls[0][0][0]


@pytest.mark.parametrize("text,width,expected", [
    ("ln (LayerNormalization)", 19, ["ln", "(LayerNormalizatio…"]),
    ("0 (unbuilt)", 10, ["0", "(unbuilt)"]),
    ("a b c", 3, ["a b", "c"]),
    ("abc", 3, ["abc"]),
    ("Trainable", 3, ["Tr…"]),
    ("", 5, [""]),
])
def test_wrap_cell(text, width, expected):
    assert _wrap_cell(text, width) == expected


def test_functional_summary_wraps_at_spaces_and_ellipsizes_long_words():
    inp = kc.Input((8,), name="in")
    a = layers.LayerNormalization(name="ln")(inp)
    b = layers.Dense(8, name="dense_with_a_really_long_name")(inp)
    model = kc.Model(inp, layers.Add(name="add")([a, b]), name="f")
    assert _capture(model) == FUNC


def test_sequential_summary_print_fn_gets_whole_text(capsys):
    model = kc.Sequential([kc.Input((6,)), layers.Dense(4, name="d")], name="seq")
    assert _capture(model) == SEQ
    model.summary()  # print_fn=None: printed once, no extra blank line
    assert capsys.readouterr().out == SEQ


class _Sub(kc.Model):
    def __init__(self):
        super().__init__(name="sub")
        self.d = layers.Dense(5, name="dense")
        self.d2 = layers.Dense(3, name="out")
        self.unused = layers.Dense(2, name="unused")

    def call(self, x):
        return self.d2(self.d(x))


def test_subclassed_model_called_eagerly_shows_built_shapes():
    model = _Sub()
    model(np.ones((2, 6), "float32"))
    assert _capture(model) == SUB
    model(np.ones((4, 6), "float32"))  # as Keras: the shapes the layers were built with
    assert _capture(model) == SUB
