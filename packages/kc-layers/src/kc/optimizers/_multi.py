"""`OptimizerMap` and `MultiOptimizer`: different optimizers for different variables."""

from __future__ import annotations

import re
from collections.abc import MutableMapping

from kc.optimizers._base import Optimizer


class OptimizerMap(MutableMapping):
    """Regex patterns (searched in variable paths) to optimizers, with a default.

    Example:
        >>> m = kc.optimizers.OptimizerMap(kc.optimizers.SGD(), {"encoder/.*": kc.optimizers.Adam()})
        >>> m["decoder/.*"] = kc.optimizers.Lion()
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError("OptimizerMap: `default_optimizer` must be an Optimizer, got "
                            f"{default_optimizer!r}.")
        self.default_optimizer = default_optimizer
        self._map = {}
        for pattern, optimizer in (optimizer_map or {}).items():
            self[pattern] = optimizer

    def __getitem__(self, pattern):
        return self._map[pattern]

    def __setitem__(self, pattern, optimizer):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"OptimizerMap: value for {pattern!r} must be an Optimizer, got "
                            f"{optimizer!r}.")
        re.compile(pattern)
        self._map[pattern] = optimizer

    def __delitem__(self, pattern):
        del self._map[pattern]

    def __iter__(self):
        return iter(self._map)

    def __len__(self):
        return len(self._map)

    def select(self, variable) -> Optimizer:
        """The optimizer of the first pattern found in ``variable.path``, else the default."""
        for pattern, optimizer in self._map.items():
            if re.search(pattern, variable.path):
                return optimizer
        return self.default_optimizer

    def get_config(self):
        from kc import serialization

        return {"default_optimizer": serialization.serialize_keras_object(self.default_optimizer),
                "optimizer_map": {k: serialization.serialize_keras_object(v)
                                  for k, v in self._map.items()}}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kc.optimizers._lookup import deserialize

        return cls(deserialize(config["default_optimizer"], custom_objects),
                   {k: deserialize(v, custom_objects)
                    for k, v in (config.get("optimizer_map") or {}).items()})


class MultiOptimizer(Optimizer):
    """Delegates each variable to the optimizer an `OptimizerMap` (or a callable) picks.

    Args:
        optimizer_map: an `OptimizerMap`, or a callable ``variable -> Optimizer``.
        loss_scale_factor: as in `Optimizer`.
        name: the optimizer's name.

    Example:
        >>> opt = kc.optimizers.MultiOptimizer(
        ...     kc.optimizers.OptimizerMap(kc.optimizers.SGD(), {"dense_1/.*": kc.optimizers.Adam()}))
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        if not (isinstance(optimizer_map, OptimizerMap) or callable(optimizer_map)):
            raise TypeError("MultiOptimizer: `optimizer_map` must be an OptimizerMap or a "
                            f"callable variable -> Optimizer, got {optimizer_map!r}.")
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._variables = []  # no own state: iterations/learning_rate live in the sub-optimizers
        self.optimizer_map = optimizer_map
        self._assignment = []
        self._optimizers = []

    def _pick(self, variable):
        if isinstance(self.optimizer_map, OptimizerMap):
            return self.optimizer_map.select(variable)
        optimizer = self.optimizer_map(variable)
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"MultiOptimizer: the selector returned {optimizer!r} for variable "
                            f"{variable.path!r}; expected an Optimizer.")
        return optimizer

    def build(self, var_list):
        if self.built:
            return
        self._trainable_variables = list(var_list)
        self._index = {id(v): i for i, v in enumerate(self._trainable_variables)}
        groups = {}
        for v in var_list:
            optimizer = self._pick(v)
            groups.setdefault(id(optimizer), (optimizer, []))[1].append(v)
        self._optimizers = [opt for opt, _ in groups.values()]
        for optimizer, variables in groups.values():
            optimizer.build(variables)
        self._assignment = [self._pick(v) for v in var_list]
        self.built = True

    @property
    def optimizers(self) -> list:
        """The sub-optimizers in use (after `build`)."""
        return list(self._optimizers)

    @property
    def variables(self):
        return [v for opt in self._optimizers for v in opt.variables]

    @property
    def iterations(self):
        if not self._optimizers:
            return self._iterations
        return self._optimizers[0].iterations

    @property
    def learning_rate(self):
        raise AttributeError("MultiOptimizer has no single learning_rate; read it on each of "
                             "`optimizer.optimizers`.")

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError("MultiOptimizer has no single learning_rate; set it on each of "
                             "`optimizer.optimizers`.")

    def _apply(self, pairs):
        from kc import backend, ops

        if self.loss_scale_factor is not None:
            pairs = [(ops.divide(backend.convert_to_tensor(g, dtype=v.dtype),
                                 self.loss_scale_factor), v) for g, v in pairs]
        for optimizer in self._optimizers:
            mine = [(g, v) for g, v in pairs if self._assignment[self._index[id(v)]] is optimizer]
            if mine:
                optimizer._apply(mine)

    def finalize_variable_values(self, var_list):
        for optimizer in self._optimizers:
            optimizer.finalize_variable_values(
                [v for v in var_list if id(v) in {id(x) for x in optimizer._trainable_variables}])

    def get_config(self):
        from kc import serialization

        if not isinstance(self.optimizer_map, OptimizerMap):
            raise NotImplementedError("MultiOptimizer with a callable selector cannot be "
                                      "serialized; use an OptimizerMap.")
        return {"optimizer_map": serialization.serialize_keras_object(self.optimizer_map),
                "loss_scale_factor": self.loss_scale_factor, "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kc.optimizers._lookup import deserialize

        config = dict(config)
        config["optimizer_map"] = deserialize(config["optimizer_map"], custom_objects)
        return cls(**config)
