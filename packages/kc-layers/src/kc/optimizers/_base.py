"""`Optimizer`: the shared machinery of every kc optimizer.

An optimizer defines two things: ``build(var_list)``, which creates its slot
variables with `add_variable_from_reference`, and ``update_step(gradient,
variable, learning_rate)``, a per-variable update written with `kc.ops` and
``Variable.assign*``. Everything else lives here: learning rate (float or
schedule), clipping, decoupled weight decay, loss-scale factor, gradient
accumulation, EMA, constraints and ``overwrite_with_gradient``.

There is one implementation of a step, `apply`. `stateless_apply` runs it
inside a `kc.backend.StatelessScope` holding the given values and returns the
values it wrote, so it is pure (``jax.jit`` friendly); `apply_gradients` is
`apply` on ``(grad, var)`` pairs.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np

_BASE_ARGS = ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema",
              "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
              "gradient_accumulation_steps")


def _concrete_bool(x):
    """``bool(x)`` when ``x`` has a value now; None when it is traced (jit, tf.function)."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    from kc import backend

    try:
        return bool(np.asarray(backend.convert_to_numpy(x)))
    except Exception:  # noqa: BLE001 - a tracer or symbolic graph tensor has no value yet
        return None


def _is_schedule(value) -> bool:
    from kc.optimizers.schedules import LearningRateSchedule

    return isinstance(value, LearningRateSchedule)


class Optimizer:
    """Base class of kc optimizers (the Keras 3 API).

    Args:
        learning_rate: a float (>= 0), a `LearningRateSchedule`, or a callable
            of no argument returning the rate.
        weight_decay: decoupled weight decay: each step first does
            ``var -= var * weight_decay * learning_rate``.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to ``[-clipvalue, clipvalue]``.
        global_clipnorm: clip all gradients together to this global norm.
            At most one of the three clipping options may be set.
        use_ema: keep an exponential moving average of the trained variables.
        ema_momentum: its momentum.
        ema_overwrite_frequency: every this many steps, overwrite the variables
            with their averages (None: only in `finalize_variable_values`).
        loss_scale_factor: gradients are divided by it (the loss is multiplied
            by it in `scale_loss`).
        gradient_accumulation_steps: apply the mean gradient every this many
            calls (int >= 2); in between, gradients are only accumulated.
        name: the optimizer's name (prefix of its variables' paths).

    Example:
        >>> opt = kc.optimizers.SGD(learning_rate=0.1)
        >>> w = kc.Variable([1.0, 2.0])
        >>> opt.apply([kc.ops.array([1.0, 1.0])], [w])
        >>> w.numpy()
        array([0.9, 1.9], dtype=float32)
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        cls = type(self).__name__
        if kwargs:
            raise ValueError(f"{cls}: argument(s) not recognized: {kwargs}.")
        from kc.backend.common.naming import auto_name, to_snake_case

        self.name = name if name is not None else auto_name(to_snake_case(cls))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self._check_options(cls)
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._index = {}
        self._exclude_ids = set()
        self._exclude_names = ()
        self._slots = {}
        self._averages = []
        self._accumulators = []
        from kc import config

        iteration_dtype = "int32" if config.backend() == "jax" else "int64"
        self._iterations = self._make_variable(0, (), iteration_dtype, "iteration")
        self._learning_rate = self._build_learning_rate(learning_rate)

    def _check_options(self, cls: str) -> None:
        clips = (self.clipnorm, self.clipvalue, self.global_clipnorm)
        if sum(c is not None for c in clips) > 1:
            raise ValueError(
                f"{cls}: only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set; "
                f"got clipnorm={self.clipnorm}, clipvalue={self.clipvalue}, "
                f"global_clipnorm={self.global_clipnorm}."
            )
        for arg in ("clipnorm", "clipvalue", "global_clipnorm", "weight_decay"):
            value = getattr(self, arg)
            if value is not None and (not isinstance(value, (int, float)) or value < 0):
                raise ValueError(f"{cls}: `{arg}` must be a float >= 0 or None, got {value!r}.")
        if self.use_ema and not 0 <= self.ema_momentum <= 1:
            raise ValueError(f"{cls}: `ema_momentum` must be in [0, 1], got {self.ema_momentum!r}.")
        freq = self.ema_overwrite_frequency
        if self.use_ema and freq is not None and (not isinstance(freq, int) or freq < 1):
            raise ValueError(
                f"{cls}: `ema_overwrite_frequency` must be an int >= 1 or None, got {freq!r}.")
        steps = self.gradient_accumulation_steps
        if steps is not None and (not isinstance(steps, int) or steps < 2):
            raise ValueError(
                f"{cls}: `gradient_accumulation_steps` must be an int >= 2 or None, got {steps!r}.")

    # Variables -----------------------------------------------------------
    def _make_variable(self, initializer, shape, dtype, name, aggregation="none"):
        from kc import backend, initializers

        if isinstance(initializer, str):
            initializer = initializers.get(initializer)
        if not callable(initializer):
            initializer = np.full(shape, initializer, dtype=dtype)
        with backend.name_scope(self.name, caller=self, override_parent=""):
            variable = backend.Variable(initializer, shape=shape, dtype=dtype, trainable=False,
                                        aggregation=aggregation, name=name)
        self._variables.append(variable)
        return variable

    def _make_unscoped_variable(self, value, dtype, name=None):
        """A state variable created outside the optimizer's name scope (its path is just
        ``name``), as Keras 3 makes a few (Nadam's product, Adafactor's placeholders)."""
        from kc import backend

        variable = backend.Variable(np.asarray(value, dtype=dtype), dtype=dtype, trainable=False,
                                    name=name)
        self._variables.append(variable)
        return variable

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none", name=None):
        """A new non-trainable optimizer variable, tracked in `variables`.

        Example:
            >>> counter = opt.add_variable((), dtype="int32", name="counter")
        """
        from kc import config

        return self._make_variable(initializer, tuple(shape), dtype or config.floatx(), name,
                                   aggregation)

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot variable shaped like ``reference_variable``, named ``"<var name>_<name>"``.

        Example:
            >>> m = opt.add_variable_from_reference(w, "momentum")
        """
        name = f"{reference_variable.name}_{name}" if name else reference_variable.name
        return self._make_variable(initializer, tuple(reference_variable.shape),
                                   reference_variable.dtype, name)

    def _add_slots(self, var_list, slot: str, initializer="zeros"):
        """Create one slot ``slot`` per variable; read them back with `_slot`."""
        self._slots[slot] = [self.add_variable_from_reference(v, slot, initializer)
                             for v in var_list]
        return self._slots[slot]

    def _slot(self, slot: str, variable):
        return self._slots[slot][self._var_index(variable)]

    def _var_index(self, variable) -> int:
        try:
            return self._index[id(variable)]
        except KeyError:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': variable {getattr(variable, 'path', variable)!r} "
                "is not one this optimizer was built with; build it with all the variables it "
                "should train."
            ) from None

    def build(self, var_list) -> None:
        """Create the state for ``var_list`` (subclasses then add their slots)."""
        if self.built:
            return
        self._trainable_variables = list(var_list)
        self._index = {id(v): i for i, v in enumerate(self._trainable_variables)}
        if self.use_ema:
            self._averages = [self.add_variable_from_reference(v, "average")
                              for v in self._trainable_variables]
        if self.gradient_accumulation_steps:
            self._accumulators = [self.add_variable_from_reference(v, "gradient_accumulator")
                                  for v in self._trainable_variables]
        self.built = True

    @property
    def variables(self) -> list:
        """All optimizer state: iteration, learning rate (when a float), then slots."""
        return list(self._variables)

    @property
    def iterations(self):
        """The number of applied update steps (a variable when no accumulation)."""
        if self.gradient_accumulation_steps:
            from kc import ops

            return ops.floor_divide(self._iterations, self.gradient_accumulation_steps)
        return self._iterations

    # Learning rate -------------------------------------------------------
    def _build_learning_rate(self, learning_rate):
        if _is_schedule(learning_rate):
            return learning_rate
        if callable(learning_rate) and not hasattr(learning_rate, "assign"):
            return learning_rate
        value = self._check_learning_rate(learning_rate)
        from kc import config

        return self._make_variable(value, (), config.floatx(), "learning_rate")

    def _check_learning_rate(self, value) -> float:
        try:
            number = float(np.asarray(value))
        except (TypeError, ValueError):
            raise TypeError(
                f"{type(self).__name__}: `learning_rate` must be a float, a "
                f"LearningRateSchedule or a callable, got {value!r}."
            ) from None
        if not number >= 0:
            raise ValueError(
                f"{type(self).__name__}: `learning_rate` must be >= 0, got {value!r}.")
        return number

    @property
    def learning_rate(self):
        """The current rate: a variable, or the schedule's value at `iterations`."""
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        from kc.backend import Variable

        if isinstance(self._learning_rate, Variable) and not (
                _is_schedule(value) or callable(value)):
            self._learning_rate.assign(self._check_learning_rate(value))
            return
        if _is_schedule(value) or callable(value):
            if isinstance(self._learning_rate, Variable):
                self._variables = [v for v in self._variables if v is not self._learning_rate]
            self._learning_rate = value
            return
        raise TypeError(
            f"{type(self).__name__}: this optimizer was created with a LearningRateSchedule as "
            "its learning_rate, so its learning rate cannot be set to a float; create it with "
            "a float learning_rate to make it settable."
        )

    def _get_current_learning_rate(self):
        if _is_schedule(self._learning_rate):
            return self._learning_rate(self.iterations)
        from kc.backend import Variable

        if isinstance(self._learning_rate, Variable):
            return self._learning_rate
        return self._learning_rate()

    # Weight decay --------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        """Exclude variables (by object, or by a substring of their path) from weight decay.

        Example:
            >>> opt = kc.optimizers.AdamW()
            >>> opt.exclude_from_weight_decay(var_names=["bias", "gamma"])
        """
        if self.built:
            raise ValueError(
                f"{type(self).__name__}: exclude_from_weight_decay() must be called before the "
                "optimizer is built (before its first apply)."
            )
        self._exclude_ids |= {id(v) for v in var_list or ()}
        self._exclude_names = tuple(var_names or ())

    def _use_weight_decay(self, variable) -> bool:
        if id(variable) in self._exclude_ids:
            return False
        return not any(re.search(name, variable.path) for name in self._exclude_names)

    def _apply_weight_decay(self, variables, learning_rate) -> None:
        if not self.weight_decay:
            return
        from kc import ops

        for v in variables:
            if self._use_weight_decay(v):
                lr = ops.cast(learning_rate, v.dtype)
                v.assign_sub(v * (lr * self.weight_decay))

    # Clipping ------------------------------------------------------------
    def _clip_gradients(self, grads):
        from kc import ops

        if self.clipnorm:
            return [_clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm:
            norms = [ops.sum(ops.square(ops.cast(g, "float32"))) for g in grads]
            total = ops.sqrt(ops.sum(ops.stack(norms)))
            scale = self.global_clipnorm / ops.maximum(total, self.global_clipnorm)
            return [g * ops.cast(scale, g.dtype) for g in grads]
        if self.clipvalue:
            return [ops.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    # Loss scale ----------------------------------------------------------
    def scale_loss(self, loss):
        """``loss * loss_scale_factor`` (``loss`` unchanged without one)."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    # Applying gradients --------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """`apply` on a list of ``(gradient, variable)`` pairs; returns `iterations`.

        Example:
            >>> opt.apply_gradients(zip(grads, model.trainable_variables))
        """
        grads_and_vars = list(grads_and_vars)
        if not grads_and_vars:
            return self.iterations
        grads, trainable_variables = zip(*grads_and_vars)
        self.apply(list(grads), list(trainable_variables))
        return self.iterations

    def apply(self, grads, trainable_variables=None) -> None:
        """Update ``trainable_variables`` (default: those it was built with) with ``grads``.

        Gradients may be tensors, arrays or None (that variable is skipped).

        Example:
            >>> opt.apply(grads, model.trainable_variables)
        """
        grads = list(grads)
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    f"{type(self).__name__}: apply(grads) without trainable_variables needs a "
                    "built optimizer; call build(variables) first or pass the variables."
                )
            variables = self._trainable_variables
        else:
            variables = list(trainable_variables)
            if not self.built:
                from kc.backend.common.scopes import in_stateless_scope

                if in_stateless_scope():
                    raise ValueError(
                        f"{type(self).__name__}: the optimizer must be built before "
                        "stateless_apply; call optimizer.build(trainable_variables) first.")
                self.build(variables)
        if len(grads) != len(variables):
            raise ValueError(
                f"{type(self).__name__}.apply: got {len(grads)} gradients for "
                f"{len(variables)} variables."
            )
        pairs = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not pairs:
            raise ValueError(
                f"{type(self).__name__}.apply: no gradients provided for any variable "
                f"({[v.path for v in variables]})."
            )
        if len(pairs) < len(variables):
            skipped = [v.path for g, v in zip(grads, variables) if g is None]
            warnings.warn(f"{type(self).__name__}: gradients do not exist for variables "
                          f"{skipped}; they are not updated.", stacklevel=2)
        self._apply(pairs)

    def _apply(self, pairs) -> None:
        from kc import backend, ops

        grads = [backend.convert_to_tensor(g, dtype=v.dtype) for g, v in pairs]
        variables = [v for _, v in pairs]
        if self.loss_scale_factor is not None:
            grads = [g / ops.cast(self.loss_scale_factor, g.dtype) for g in grads]
        kept_grads, kept_vars = [], []
        for g, v in zip(grads, variables):
            if v.overwrite_with_gradient:
                v.assign(g)
            else:
                kept_grads.append(g)
                kept_vars.append(v)
        if kept_vars:
            if self.gradient_accumulation_steps:
                self._accumulate_and_apply(kept_grads, kept_vars)
            else:
                self._apply_step(kept_grads, kept_vars)
        if self.use_ema:
            self._update_ema()
        self._iterations.assign_add(1)  # assign_add keeps the variable's int dtype

    def _apply_step(self, grads, variables) -> None:
        """One real update: clip, decay weights, `update_step` each, then constraints."""
        learning_rate = self._get_current_learning_rate()
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(variables, learning_rate)
        self._update_all(grads, variables, learning_rate)
        for v in variables:
            if v.constraint is not None:
                v.assign(v.constraint(v.value))

    def _update_all(self, grads, variables, learning_rate) -> None:
        """Run `update_step` for each variable (optimizers may fuse this on one backend)."""
        from kc import ops

        for g, v in zip(grads, variables):
            self.update_step(g, v, ops.cast(learning_rate, v.dtype))

    def update_step(self, gradient, variable, learning_rate) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement update_step().")

    def _accumulate_and_apply(self, grads, variables) -> None:
        from kc import ops

        steps = self.gradient_accumulation_steps
        accs = [self._accumulators[self._var_index(v)] for v in variables]
        is_update = ops.equal(ops.mod(self._iterations + 1, steps), 0)
        concrete = _concrete_bool(is_update)
        if concrete is not None:
            if concrete:
                mean = [(a + g) / steps for a, g in zip(accs, grads)]
                self._apply_step(mean, variables)
                for a in accs:
                    a.assign(ops.zeros_like(a))
            else:
                for a, g in zip(accs, grads):
                    a.assign_add(g)
            return
        # Traced (jit / tf.function): compute the update, keep it only on update steps.
        mean = [(a + g) / steps for a, g in zip(accs, grads)]
        self._select(is_update, lambda: self._apply_step(mean, variables))
        for a, g in zip(accs, grads):
            a.assign(ops.where(is_update, ops.zeros_like(a), a + g))

    def _select(self, condition, fn) -> None:
        """Run ``fn`` (which assigns variables) and keep its writes only where ``condition``."""
        from kc import backend, ops

        touched = list(self._trainable_variables) + [
            v for v in self._variables if v is not self._iterations]
        with backend.StatelessScope([(v, v.value) for v in touched]) as scope:
            fn()
        for v in touched:
            new = scope.get_current_value(v)
            v.assign(ops.where(condition, new, v.value))

    # EMA -----------------------------------------------------------------
    def _update_ema(self) -> None:
        from kc import ops

        step = self.iterations  # update steps done before this call
        first = ops.equal(step, 0)
        for v, avg in zip(self._trainable_variables, self._averages):
            momentum = ops.where(first, ops.cast(0.0, v.dtype), ops.cast(self.ema_momentum, v.dtype))
            avg.assign(momentum * avg + (1.0 - momentum) * v)
        freq = self.ema_overwrite_frequency
        if freq:
            cond = ops.equal(ops.mod(step + 1, freq), 0)
            concrete = _concrete_bool(cond)
            if concrete is None:
                for v, avg in zip(self._trainable_variables, self._averages):
                    v.assign(ops.where(cond, avg.value, v.value))
            elif concrete:
                for v, avg in zip(self._trainable_variables, self._averages):
                    v.assign(avg.value)

    def finalize_variable_values(self, var_list) -> None:
        """With ``use_ema``, set each variable to its moving average (end of training)."""
        if self.use_ema and self.built:
            for v in var_list:
                v.assign(self._averages[self._var_index(v)].value)

    # Stateless -----------------------------------------------------------
    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """Pure `apply`: returns ``(new trainable values, new optimizer variable values)``.

        ``optimizer_variables`` are values for `variables`, ``trainable_variables``
        values for the variables the optimizer was built with; nothing is
        assigned, so it runs under ``jax.jit``.

        Example:
            >>> opt.build(model.trainable_variables)
            >>> new_tv, new_ov = opt.stateless_apply(
            ...     [v.value for v in opt.variables], grads, [v.value for v in model.trainable_variables])
        """
        from kc import backend

        if not self.built:
            raise ValueError(
                f"{type(self).__name__}: the optimizer must be built before stateless_apply; "
                "call optimizer.build(trainable_variables) first."
            )
        optimizer_variables = list(optimizer_variables)
        trainable_variables = list(trainable_variables)
        own = self.variables
        if len(optimizer_variables) != len(own) or len(trainable_variables) != len(
                self._trainable_variables):
            raise ValueError(
                f"{type(self).__name__}.stateless_apply: expected {len(own)} optimizer variable "
                f"values and {len(self._trainable_variables)} trainable values, got "
                f"{len(optimizer_variables)} and {len(trainable_variables)}."
            )
        mapping = list(zip(self._trainable_variables, trainable_variables))
        mapping += list(zip(own, optimizer_variables))
        with backend.StatelessScope(mapping) as scope:
            self.apply(grads)
        new_trainable = [_current(scope, v, value) for v, value in
                         zip(self._trainable_variables, trainable_variables)]
        new_optimizer = [_current(scope, v, value) for v, value in zip(own, optimizer_variables)]
        return new_trainable, new_optimizer

    # Config --------------------------------------------------------------
    def get_config(self) -> dict:
        """Keras's config dict: name, learning_rate, shared options, then the optimizer's own."""
        from kc import serialization
        from kc.backend import Variable

        lr = self._learning_rate
        if isinstance(lr, Variable):
            lr = float(np.asarray(lr.numpy()))
        elif _is_schedule(lr):
            lr = serialization.serialize_keras_object(lr)
        return {"name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm,
                "clipvalue": self.clipvalue, "use_ema": self.use_ema,
                "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        """Rebuild an optimizer from `get_config` output."""
        config = dict(config)
        lr = config.get("learning_rate")
        if isinstance(lr, dict):
            from kc.optimizers import schedules

            config["learning_rate"] = schedules.deserialize(lr, custom_objects=custom_objects)
        return cls(**config)

    # Weights ---------------------------------------------------------------
    def set_weights(self, weights) -> None:
        """Assign values to `variables`, in order."""
        weights = list(weights)
        if len(weights) != len(self._variables):
            raise ValueError(f"{type(self).__name__}.set_weights: expected {len(self._variables)} "
                             f"values, got {len(weights)}.")
        for v, w in zip(self._variables, weights):
            v.assign(w)

    def save_own_variables(self, store) -> None:
        for i, v in enumerate(self._variables):
            store[str(i)] = v

    def load_own_variables(self, store) -> None:
        if len(store.keys()) != len(self._variables):
            raise ValueError(f"{type(self).__name__} '{self.name}': the saved state has "
                             f"{len(store.keys())} variables, this optimizer has "
                             f"{len(self._variables)} (was it built with the same variables?).")
        for i, v in enumerate(self._variables):
            v.assign(store[str(i)])

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} built={self.built}>"


def _current(scope, variable, fallback):
    value = scope.get_current_value(variable)
    return fallback if value is None else value


def _clip_by_norm(g, clipnorm):
    from kc import ops

    norm = ops.sqrt(ops.sum(ops.square(g)))
    scale = clipnorm / ops.maximum(norm, clipnorm)
    return g * ops.cast(scale, g.dtype)


def shared_options(args: dict) -> dict:
    """The `Optimizer.__init__` arguments out of a subclass's ``locals()``."""
    out = {key: args[key] for key in ("learning_rate", "name", *_BASE_ARGS) if key in args}
    out.update(args.get("kwargs") or {})
    return out


def one_minus_power(beta: float, t):
    """``1 - beta ** t`` without float32 cancellation: ``-expm1(t * log(beta))``."""
    from kc import ops

    return -ops.expm1(t * math.log(beta))
