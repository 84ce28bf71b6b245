"""`Variable` of the JAX backend: holds a jax array; `assign` replaces it.

Inside ``jax.jit``/``jax.grad``, read and write variables through a
`kc.StatelessScope` (as `Layer.stateless_call` does): storing a traced value in
the variable itself would leak the tracer, so it is refused.
"""

from __future__ import annotations

import jax

from kc.backend.common import variables
from kc.backend.jax import core


class Variable(variables.Variable):
    __doc__ = variables.Variable.__doc__

    def _convert(self, value):
        return core.convert_to_tensor(value, dtype=self._dtype)

    def _initialize(self, value) -> None:
        self._check_concrete(value)
        self._value = value

    def _read(self):
        return self._value

    def _write(self, value) -> None:
        self._check_concrete(value)
        self._value = value

    def _check_concrete(self, value) -> None:
        if isinstance(value, jax.core.Tracer):
            raise ValueError(
                f"Variable {self.path!r}: cannot store a traced jax value outside a "
                "kc.StatelessScope. Inside jax.jit/jax.grad, run the code in "
                "`with kc.StatelessScope(state_mapping) as scope:` and return "
                "`scope.get_current_value(variable)`. For kc.random ops, pass an int seed "
                "or a kc.random.SeedGenerator whose state is in the scope."
            )
