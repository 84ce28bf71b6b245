"""A layer's state: creating weights, listing them, reading and writing them,
and running the layer statelessly.

`LayerStateMixin` is part of `Layer`; it is its own module so that the
call machinery (`_layer.py`) and the state API each read in one sitting.
"""

from __future__ import annotations

import math

from kc import backend
from kc.backend import StatelessScope


class LayerStateMixin:
    """Weights API of `kc.layers.Layer` (see there)."""

    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none",
                   overwrite_with_gradient=False, name=None):
        """Create a variable tracked by this layer.

        Args:
            shape: the variable's shape; default ``()``.
            initializer: initializer object or name; default "glorot_uniform"
                for float dtypes, "zeros" otherwise.
            dtype: default: the layer's variable dtype.
            trainable: whether optimizers train it.
            autocast: whether it is read in the compute dtype under a mixed policy.
            regularizer: regularizer object or name; its penalty joins `losses`.
            constraint: constraint object or name, applied after optimizer updates.
            aggregation: "none", "mean", "sum" or "only_first_replica".
            overwrite_with_gradient: the optimizer overwrites the variable
                with its gradient (for float8 scaling factors).
            name: the variable's name.

        Example:
            >>> self.kernel = self.add_weight(shape=(4, 3), initializer="he_normal")
        """
        from kc import constraints, dtypes, initializers, regularizers

        shape = () if shape is None else tuple(shape)
        dtype = dtypes.standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtypes.is_float_dtype(dtype) else "zeros"
        initializer = initializers.get(initializer)
        with backend.name_scope(self.name, caller=self):
            variable = backend.Variable(
                initializer, shape=shape, dtype=dtype, trainable=trainable, autocast=autocast,
                aggregation=aggregation, name=name)
        variable.regularizer = regularizers.get(regularizer)
        variable.constraint = constraints.get(constraint)
        variable.overwrite_with_gradient = bool(overwrite_with_gradient)
        self._kc_track_one("variable", variable, name)
        self.__dict__["_kc_fast_dtype"] = None
        return variable

    def add_variable(self, shape, initializer, dtype=None, trainable=True, autocast=True,
                     regularizer=None, constraint=None, name=None):
        """Alias of `add_weight` with the argument order of Keras's `add_variable`."""
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype,
                               trainable=trainable, autocast=autocast, regularizer=regularizer,
                               constraint=constraint, name=name)

    # Listing ----------------------------------------------------------------------
    def _collect(self, attribute: str, with_extra_state: bool) -> list:
        out, seen = [], set()

        def add(v):
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)

        for v in self._kc_trainable_vars + self._kc_non_trainable_vars:
            add(v)
        if with_extra_state:  # seed states are variables; metric state is not (as Keras)
            for gen in self._kc_seed_generators:
                add(gen.state)
        for layer in self._kc_layers:
            for v in getattr(layer, attribute):
                add(v)
        return out

    @property
    def weights(self) -> list:
        """The layer's weights: its own variables, then its sublayers' (no seed or metric state)."""
        return self._collect("weights", False)

    @property
    def trainable_weights(self) -> list:
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self) -> list:
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    @property
    def variables(self) -> list:
        """All state: the weights plus seed generator states (metric state: `metrics_variables`)."""
        return self._collect("variables", True)

    @property
    def trainable_variables(self) -> list:
        if not self.trainable:
            return []
        return [v for v in self.variables if v.trainable]

    @property
    def non_trainable_variables(self) -> list:
        if not self.trainable:
            return self.variables
        return [v for v in self.variables if not v.trainable]

    @property
    def metrics_variables(self) -> list:
        out = []
        for layer in self._kc_flat_layers():
            for metric in layer._kc_metrics:
                out.extend(metric.variables)
        return out

    @property
    def metrics(self) -> list:
        out = []
        for layer in self._kc_flat_layers():
            out.extend(layer._kc_metrics)
        return out

    def count_params(self) -> int:
        """The number of scalars in the layer's weights."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't "
                "built. Build it first by calling it on data or with `layer.build(input_shape)`."
            )
        return sum(math.prod(v.shape) for v in self.weights)

    # Reading and writing -----------------------------------------------------------------
    def get_weights(self) -> list:
        """The weights' values as NumPy arrays, in `weights` order."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights) -> None:
        """Assign NumPy arrays (in `weights` order) to the weights."""
        variables = self.weights
        if len(weights) != len(variables):
            raise ValueError(
                f"Layer '{self.name}': set_weights expects a list of {len(variables)} arrays "
                f"(its weights: {[v.path for v in variables]}), got {len(weights)}."
            )
        for variable, value in zip(variables, weights):
            shape = tuple(getattr(value, "shape", ()))
            if shape != tuple(variable.shape):
                raise ValueError(
                    f"Layer '{self.name}': weight {variable.path!r} has shape {variable.shape}, "
                    f"but the provided array has shape {shape}."
                )
            variable.assign(value)

    def save_own_variables(self, store) -> None:
        """Write this layer's own variables to ``store`` under keys "0", "1", ..."""
        for i, v in enumerate(self._kc_trainable_vars + self._kc_non_trainable_vars):
            store[str(i)] = v

    def load_own_variables(self, store) -> None:
        """Read this layer's own variables back from a `save_own_variables` store."""
        own = self._kc_trainable_vars + self._kc_non_trainable_vars
        if len(store.keys()) != len(own):
            raise ValueError(
                f"Layer '{self.name}' expects {len(own)} variables, but the saved state holds "
                f"{len(store.keys())}."
            )
        for i, v in enumerate(own):
            value = store[str(i)]
            if tuple(value.shape) != tuple(v.shape):
                raise ValueError(
                    f"Layer '{self.name}': variable {v.path!r} has shape {v.shape}, the saved "
                    f"value has shape {tuple(value.shape)}."
                )
            v.assign(value)

    # Stateless execution --------------------------------------------------------------------
    def stateless_call(self, trainable_variables, non_trainable_variables, *args,
                       return_losses: bool = False, **kwargs):
        """Call the layer with given variable values, changing no state.

        Returns ``(outputs, non_trainable_variables)`` — the new values of the
        non-trainable variables (e.g. batch-norm statistics, seeds) — plus the
        losses added during the call when ``return_losses=True``. Works inside
        ``jax.jit``/``jax.grad``.

        Example:
            >>> outputs, nt = model.stateless_call(
            ...     [v.value for v in model.trainable_variables],
            ...     [v.value for v in model.non_trainable_variables], x)
        """
        if not self.built:
            raise ValueError(
                f"Layer '{self.name}': build the layer before stateless_call (call it once on "
                "data or call layer.build(input_shape))."
            )
        trainable = self.trainable_variables
        non_trainable = self.non_trainable_variables
        for given, expected, kind in ((trainable_variables, trainable, "trainable"),
                                      (non_trainable_variables, non_trainable, "non_trainable")):
            if len(given) != len(expected):
                raise ValueError(
                    f"Layer '{self.name}': stateless_call expects {len(expected)} "
                    f"{kind}_variables (layer.{kind}_variables), got {len(given)}."
                )
        mapping = list(zip(trainable, trainable_variables))
        mapping += list(zip(non_trainable, non_trainable_variables))
        with StatelessScope(mapping, collect_losses=return_losses) as scope:
            outputs = self(*args, **kwargs)
            penalties = self._regularization_losses() if return_losses else None
        new_non_trainable = []
        for v, old in zip(non_trainable, non_trainable_variables):
            value = scope.get_current_value(v)
            new_non_trainable.append(old if value is None else value)
        if return_losses:
            return outputs, new_non_trainable, scope.losses + penalties
        return outputs, new_non_trainable

    def _regularization_losses(self) -> list:
        return [v.regularizer(v) for v in self.trainable_weights if v.regularizer is not None]
