"""`Layer`: the base of every layer and model.

A layer holds state (variables, made in `build` from the first input's shape)
and computes in `call`. Calling it (``layer(x)``) converts the inputs, checks
them against `input_spec`, builds the layer on first use, resolves the
``training`` flag and masks, and records the call when the inputs are
symbolic. The common case of a built layer called on one tensor of its
compute dtype takes a short path (see `Layer.__call__`).

Example:
    >>> class Scale(kc.layers.Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    ...     def call(self, x):
    ...         return x * self.w
    >>> Scale()(np.ones((2, 3), "float32")).shape
    (2, 3)
"""

from __future__ import annotations

import functools
import inspect

from kc import backend, tree
from kc.backend import StatelessScope, SymbolicScope, name_scope
from kc.backend.common import scopes
from kc.backend.common.masking import get_keras_mask, set_keras_mask
from kc.layers import _call_context, _tracking
from kc.layers._backend_base import BackendLayer
from kc.layers._input_spec import assert_input_compatibility
from kc.layers._layer_state import LayerStateMixin
from kc.layers._shapes import build_arguments, output_spec_by_running, shape_of, symbolic_copy
from kc.ops import KerasTensor
from kc.ops._keras_tensor import any_symbolic
from kc.ops._operation import Operation

_TENSOR = getattr(backend._active, "TENSOR_TYPE", None)
_NATIVE = frozenset(getattr(backend._active, "NATIVE_TYPES", ()))
_ctx = _call_context.state


class _CallSignature:
    """What `Layer.__call__` needs to know about a class's ``call``, computed once per class."""

    def __init__(self, call):
        self.signature = inspect.signature(call)
        params = self.signature.parameters
        self.names = [n for n in params if n != "self"]
        self.has_training = "training" in params
        self.has_mask = "mask" in params
        self.training_default = params["training"].default if self.has_training else None
        if self.training_default is inspect.Parameter.empty:
            self.training_default = None
        self.first = self.names[0] if self.names else None


def _is_default(method, base_method) -> bool:
    return getattr(method, "__func__", method) is base_method


class Layer(BackendLayer, LayerStateMixin, Operation):
    """The class from which all layers inherit.

    Args:
        activity_regularizer: regularizer applied to the layer's output; its
            value (divided by the batch size) is added to `losses`.
        trainable: whether the layer's variables are trained.
        dtype: dtype policy (name such as "float32" or "mixed_float16", or a
            `kc.DTypePolicy`); default: the global policy.
        autocast: whether to cast float inputs to the compute dtype and read
            variables in it under a mixed policy.
        name: the layer's name; default from the class name ("dense", "dense_1").
        input_shape, input_dim: for the first layer of a `Sequential` model.

    Subclasses implement ``build(input_shape)`` (create state with
    `add_weight`) and ``call(inputs, ...)``; a ``training`` and a ``mask``
    argument of ``call`` are filled in by the framework.
    """

    _kc_tracked_as = "layer"
    _kc_signatures: dict = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_kc_build_wrapper", False):
            cls.build = _wrap_build(build)

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        self._kc_pre_init(args, kwargs)
        return self

    def _kc_pre_init(self, args, kwargs) -> None:
        d = self.__dict__
        d["_kc_setattr_tracking"] = False
        self._kc_backend_init()
        d.update(
            _kc_layers=[], _kc_trainable_vars=[], _kc_non_trainable_vars=[],
            _kc_seed_generators=[], _kc_metrics=[], _kc_losses=[], _kc_init_called=False,
            _kc_fast_dtype=None, _kc_fast_run=None, _kc_spec_shape=None, _kc_settled=False, built=False, _kc_build_shapes=None,
            _input_spec=None, _path=None, _kc_auto_config=_auto_config(type(self), args, kwargs),
        )
        cls = type(self)
        sig = Layer._kc_signatures.get(cls)
        if sig is None:
            sig = Layer._kc_signatures[cls] = _CallSignature(cls.call)
        d["_kc_call_sig"] = sig

    def __init__(self, *, activity_regularizer=None, trainable=True, dtype=None, autocast=True,
                 name=None, **kwargs):
        input_dim = kwargs.pop("input_dim", None)
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        Operation.__init__(self, name=name)
        if input_dim is not None:
            input_shape = (input_dim,)
        self._input_shape_arg = tuple(input_shape) if input_shape is not None else None
        if batch_input_shape is not None:
            self._input_shape_arg = tuple(batch_input_shape)[1:]
        from kc import dtype_policies, regularizers

        self._dtype_policy = dtype_policies.get(dtype)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._trainable = bool(trainable)
        self.autocast = bool(autocast)
        self.supports_masking = not _is_default(type(self).compute_mask, Layer.compute_mask)
        self._kc_init_called = True
        self.__dict__["_kc_setattr_tracking"] = True

    # Attribute tracking ------------------------------------------------------
    def __setattr__(self, name, value):
        if self.__dict__.get("_kc_setattr_tracking") and not name.startswith("_kc"):
            old = self._kc_attribute(name)
            if old is not None and old is not value and _tracking.kind_of(old) is not None:
                _tracking.untrack(self, old)
            value = _tracking.track(self, value, name)
            held = self.__dict__.get("_kc_layer_attrs")
            if getattr(type(value), "_kc_tracked_as", None) == "layer":
                if held is None:
                    held = self.__dict__["_kc_layer_attrs"] = set()
                held.add(name)  # (see `_kc_attribute`)
            elif held:
                held.discard(name)
            self.__dict__["_kc_fast_dtype"] = None  # state changed: re-validate the fast path
            self.__dict__["_kc_settled"] = False
        self._kc_plain_setattr(name, value)

    def __delattr__(self, name):
        value = self._kc_attribute(name)
        if value is not None and _tracking.kind_of(value) is not None:
            _tracking.untrack(self, value)
            held = self.__dict__.get("_kc_layer_attrs")
            if held and name in held:
                held.discard(name)
                if self._kc_attribute(name) is None:  # torch: unregistering removed the child
                    return
        super().__delattr__(name)

    def _kc_attribute(self, name):
        """The attribute's current value or None. On torch a sublayer set as an attribute
        lives in the module's ``_modules``, not in ``__dict__`` (``_kc_layer_attrs`` names
        those attributes: ``_modules`` also holds layers that are no attribute)."""
        d = self.__dict__
        value = d.get(name)
        if value is None:
            held = d.get("_kc_layer_attrs")
            if held and name in held:
                modules = d.get("_modules")
                value = modules.get(name) if modules else None
        return value

    def _kc_track_one(self, kind: str, value, key) -> None:
        _tracking.changed()
        if kind == "layer":
            if value is self:
                return
            if not any(v is value for v in self._kc_layers):
                self._kc_layers.append(value)
                self._kc_register_layer(value, key)
                self.__dict__["_kc_settled"] = False
        elif kind == "variable":
            own = self._kc_trainable_vars if value.trainable else self._kc_non_trainable_vars
            if not any(v is value for v in self._kc_trainable_vars + self._kc_non_trainable_vars):
                own.append(value)
                self._kc_register_variable(value)
        elif kind == "seed_generator":
            if not any(s is value for s in self._kc_seed_generators):
                self._kc_seed_generators.append(value)
                self._kc_register_variable(value.state)
        elif kind == "metric":
            if not any(m is value for m in self._kc_metrics):
                self._kc_metrics.append(value)

    def _kc_untrack_one(self, kind: str, value) -> None:
        _tracking.changed()
        lists = {"layer": [self._kc_layers], "seed_generator": [self._kc_seed_generators],
                 "metric": [self._kc_metrics],
                 "variable": [self._kc_trainable_vars, self._kc_non_trainable_vars]}[kind]
        for items in lists:
            for i, v in enumerate(items):
                if v is value:
                    del items[i]
                    break
        if kind == "layer":
            self._kc_unregister_layer(value)
        elif kind == "variable":
            self._kc_unregister_variable(value)

    # Properties ----------------------------------------------------------------
    @property
    def path(self) -> str:
        """The layer's name scope path, e.g. "model/dense" (set when it is built)."""
        return self._path or self.name

    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value) -> None:
        from kc import dtype_policies

        self._dtype_policy = dtype_policies.get(value)

    @property
    def dtype(self) -> str:
        """The dtype of the layer's variables (the policy's variable dtype)."""
        return self._dtype_policy.variable_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def input_dtype(self) -> str:
        """The dtype float inputs are cast to (the compute dtype)."""
        return self._dtype_policy.compute_dtype

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self._trainable = value
        for v in self._kc_trainable_vars:
            v.trainable = value
        for layer in self._kc_layers:
            layer.trainable = value

    @property
    def input_spec(self):
        return self._input_spec

    @input_spec.setter
    def input_spec(self, value) -> None:
        self._input_spec = value
        self.__dict__["_kc_spec_shape"] = None

    @property
    def layers(self) -> list:
        """The directly tracked sublayers."""
        return list(self._kc_layers)

    def _kc_repr(self) -> str:
        return f"<{type(self).__name__} name={getattr(self, 'name', '?')}, built={self.built}>"

    def __repr__(self):
        return self._kc_repr()

    # Building --------------------------------------------------------------------
    def build(self, input_shape=None):
        """Create the layer's state from the input shape.

        The default builds the sublayers by tracing `call` on a symbolic input
        of ``input_shape`` (so ``model.build((None, 784))`` works for
        subclassed models), then marks the layer built.
        """
        if input_shape is not None and not self.built and any(
                not layer.built for layer in self._flatten_layers(include_self=False)):
            if self._path is None:
                parent = scopes.current_path()
                self._path = f"{parent}/{self.name}" if parent else self.name
            spec = _shape_to_spec(input_shape, self.compute_dtype)
            self._kc_build_shapes = {"input_shape": input_shape}
            with self._open_name_scope():
                self._infer_output_spec((spec,), {})
        self.built = True

    def _open_name_scope(self):
        return name_scope(self.name, caller=self)

    def _maybe_build(self, args: tuple, kwargs: dict) -> None:
        shapes = build_arguments(self._kc_call_sig, args, kwargs)
        self._kc_build_shapes = shapes
        if self._path is None:
            parent = scopes.current_path()
            self._path = f"{parent}/{self.name}" if parent else self.name
        with self._open_name_scope():
            if not _is_default(type(self).build, Layer.build):
                _call_build(self, shapes)
            elif any(not layer.built for layer in self._flatten_layers(include_self=False)):
                # No build method: build the sublayers by tracing call symbolically.
                self._infer_output_spec(args, kwargs)
        self.built = True

    # Calling ---------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        # Short path: a built layer (or settled model), one tensor of the dtype it ran on
        # before, nothing to resolve (see `_update_fast_path`).
        if self._kc_fast_dtype is not None and len(args) == 1:
            x = args[0]
            if type(x) is _TENSOR and x.dtype is self._kc_fast_dtype and get_keras_mask(x) is None:
                run = self._kc_fast_run
                if run is None:
                    if not kwargs:
                        if _ctx.losses_pending and not _ctx.stack:
                            self._clear_losses()
                        if self._input_spec is not None and self._kc_spec_shape != x.shape:
                            assert_input_compatibility(self._input_spec, x, self.name)
                            self.__dict__["_kc_spec_shape"] = x.shape
                        return self.call(x)
                elif not kwargs or (len(kwargs) == 1 and "training" in kwargs):
                    return self._call_fast_run(run, x, kwargs.get("training"))
        return self._call_full(args, kwargs)

    def _call_fast_run(self, run, x, training):
        """A settled model's call: the training flag on the context stack, then its replay plan."""
        stack = _ctx.stack
        if _ctx.losses_pending and not stack:
            self._clear_losses()
        if self._input_spec is not None and self._kc_spec_shape != x.shape:
            assert_input_compatibility(self._input_spec, x, self.name)
            self.__dict__["_kc_spec_shape"] = x.shape
        if training is None:
            training = stack[-1] if stack else self._kc_call_sig.training_default
        stack.append(training)
        try:
            return run(x)
        finally:
            stack.pop()

    def _call_full(self, args: tuple, kwargs: dict):
        if not self.__dict__.get("_kc_init_called"):
            raise RuntimeError(
                f"Layer {type(self).__name__}: call super().__init__() in __init__ before using the layer."
            )
        sig = self._kc_call_sig
        if not self._inputs_ready(args, kwargs):
            args, kwargs = self._convert_inputs(args, kwargs)
        symbolic = any_symbolic(args, kwargs)
        first = args[0] if args else kwargs.get(sig.first)
        if self._input_spec is not None:
            assert_input_compatibility(self._input_spec, first, self.name)

        outermost = not _ctx.stack
        if outermost and _ctx.losses_pending and not symbolic:
            self._clear_losses()
        if sig.has_training:
            index = sig.names.index("training")
            positional = len(args) > index
            training = args[index] if positional else kwargs.get("training")
        else:
            positional, training = False, kwargs.pop("training", None)
        if training is None:
            training = _call_context.current_training()
        if training is None:
            training = sig.training_default
        if sig.has_training and not positional and training is not None:
            kwargs["training"] = training
        mask = kwargs.get("mask")  # an explicit mask wins (and is what compute_mask sees)
        if not sig.has_mask:
            kwargs.pop("mask", None)
        if sig.has_mask and mask is None and first is not None:
            mask = tree.map_structure(get_keras_mask, first)
            if any(m is not None for m in tree.flatten(mask)):
                kwargs["mask"] = mask
        elif mask is None and first is not None and self.supports_masking:
            mask = tree.map_structure(get_keras_mask, first)

        _ctx.stack.append(training)
        try:
            if not self.built:
                self._maybe_build(args, kwargs)
                if self._input_spec is not None:
                    assert_input_compatibility(self._input_spec, first, self.name)
            with (self._open_name_scope() if not self._kc_settled else _NULL_SCOPE), \
                    self._autocast_scope():
                if symbolic:
                    outputs = Operation.symbolic_call(self, *args, **kwargs)
                else:
                    outputs = self.call(*args, **kwargs)
        finally:
            _ctx.stack.pop()

        if self.activity_regularizer is not None and not symbolic:
            for out in tree.flatten(outputs):
                if backend.is_tensor(out):
                    batch = out.shape[0] if len(out.shape) else 1
                    self.add_loss(self.activity_regularizer(out) / batch)
        self._set_output_mask(first, mask, outputs)
        if not symbolic:
            if not self._kc_settled:
                self.__dict__["_kc_settled"] = all(l.built for l in self._flatten_layers())
            self._update_fast_path(args, kwargs, outputs)
        return outputs

    def _inputs_ready(self, args, kwargs) -> bool:
        """True when every argument is already a native tensor needing no cast."""
        if not args or len(kwargs) > ("training" in kwargs) + ("mask" in kwargs):
            return False
        compute = self._dtype_policy.compute_dtype
        for a in args:
            if type(a) not in _NATIVE:
                return False
            if self.autocast:
                dtype = backend.standardize_dtype(a.dtype)
                if dtype != compute and dtype.startswith(("float", "bfloat")):
                    return False
        return True

    def _update_fast_path(self, args, kwargs, outputs) -> None:
        if (len(args) != 1 or type(args[0]) is not _TENSOR or not self.built
                or self.activity_regularizer is not None or self._is_mixed()
                or not _is_default(type(self).compute_mask, Layer.compute_mask)
                or type(self).__call__ is not Layer.__call__):
            return
        sig = self._kc_call_sig
        d = self.__dict__
        if not kwargs and not sig.has_training and not sig.has_mask:
            d["_kc_fast_run"] = None
            d["_kc_fast_dtype"] = args[0].dtype
        elif set(kwargs) <= {"training"} and self._kc_settled:
            run = self._kc_fast_runner(args[0])
            if run is not None:
                d["_kc_fast_run"] = run
                d["_kc_fast_dtype"] = args[0].dtype

    def _kc_fast_runner(self, x):
        """A callable ``run(x)`` replaying this model's call for tensors like ``x`` with no
        mask and the training flag taken from the call context, or None (models override)."""
        return None

    def _is_mixed(self) -> bool:
        policy = self._dtype_policy
        return policy.compute_dtype != policy.variable_dtype

    def _autocast_scope(self):
        if self.autocast and self._is_mixed():
            from kc.backend.common.scopes import AutocastScope

            return AutocastScope(self.compute_dtype)
        return _NULL_SCOPE

    def _convert_inputs(self, args, kwargs):
        policy = self._dtype_policy

        def convert(x):
            if x is None or isinstance(x, (bool, str)):
                return x
            return policy.convert_input(x, self.autocast, policy.compute_dtype)

        converted = tuple(tree.map_structure(convert, a) for a in args)
        kwargs = {k: v if k in ("training", "mask") else tree.map_structure(convert, v)
                  for k, v in kwargs.items()}
        return converted, kwargs

    def call(self, *args, **kwargs):
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not have a `call()` method implemented."
        )

    # Output shapes -------------------------------------------------------------------------
    def compute_output_shape(self, *args, **kwargs):
        """Output shape(s) from input shape(s); default: infer by tracing `call`."""
        specs = tuple(_shape_to_spec(s, self.compute_dtype) for s in args)
        kwargs = {k: _shape_to_spec(v, self.compute_dtype) if k.endswith("shape") else v
                  for k, v in kwargs.items()}
        if not self.built:
            self._maybe_build(specs, kwargs)
        out = self.compute_output_spec(*specs, **kwargs)
        return tree.map_structure(lambda t: t.shape, out)

    def compute_output_spec(self, *args, **kwargs):
        """Output KerasTensor(s) for symbolic inputs."""
        if not _is_default(type(self).compute_output_shape, Layer.compute_output_shape):
            shapes = tree.map_structure(shape_of, args)
            out_shape = self.compute_output_shape(*shapes, **{
                k: v for k, v in kwargs.items() if k not in ("training", "mask")})
            return _shape_to_spec(out_shape, self.compute_dtype)
        return self._infer_output_spec(args, kwargs)

    def _infer_output_spec(self, args, kwargs):
        """Trace `call` on history-free KerasTensors (no graph, no state change);
        if `call` uses code that symbolic tensors cannot go through, run it on
        small zero tensors instead and infer which sizes are dynamic."""
        sym_args, sym_kwargs = tree.map_structure(symbolic_copy, (args, kwargs))
        try:
            with SymbolicScope(), StatelessScope():
                out = self.call(*sym_args, **sym_kwargs)
            if all(isinstance(t, KerasTensor) or t is None for t in tree.flatten(out)):
                return _fresh(out)
        except Exception as symbolic_error:  # fall back to running on zeros
            try:
                return output_spec_by_running(self.call, args, kwargs)
            except Exception as run_error:
                raise symbolic_error from run_error
        return output_spec_by_running(self.call, args, kwargs)

    # Masks ---------------------------------------------------------------------------------
    def compute_mask(self, inputs, previous_mask):
        """The output mask; default: pass ``previous_mask`` through when the layer
        supports masking, else None."""
        return previous_mask if self.supports_masking else None

    def _set_output_mask(self, inputs, mask, outputs) -> None:
        if not self.supports_masking and _is_default(type(self).compute_mask, Layer.compute_mask):
            return
        if mask is None or all(m is None for m in tree.flatten(mask)):
            if _is_default(type(self).compute_mask, Layer.compute_mask):
                return
            mask = None
        out_mask = self.compute_mask(inputs, mask)
        if out_mask is None:
            return
        flat_out = tree.flatten(outputs)
        flat_mask = tree.flatten(out_mask) if isinstance(out_mask, (list, tuple, dict)) else [out_mask]
        if len(flat_mask) == 1:
            flat_mask = flat_mask * len(flat_out)
        for out, m in zip(flat_out, flat_mask):
            if out is not None:
                set_keras_mask(out, m)

    # Losses ------------------------------------------------------------------------------------
    def add_loss(self, loss) -> None:
        """Add a scalar loss (e.g. a regularization term) to `losses`."""
        if isinstance(loss, KerasTensor):
            return  # symbolic tracing: the real value is added when the model runs
        scope = scopes.current("stateless")
        if scope is not None:
            if scope.collect_losses:
                scope.add_loss(loss)
            return
        self._kc_losses.append(loss)
        _ctx.losses_pending = True

    @property
    def losses(self) -> list:
        """Losses added during the last call (this layer and sublayers) plus weight
        regularization penalties."""
        layers = self._kc_flat_layers()
        losses = []
        regularized = False
        for layer in layers:
            if layer._kc_losses:
                losses.extend(layer._kc_losses)
            if not regularized:
                for v in layer._kc_trainable_vars:
                    if v.regularizer is not None:
                        regularized = True
                        break
                for v in layer._kc_non_trainable_vars:  # (a variable made trainable later)
                    if v.regularizer is not None:
                        regularized = True
                        break
        if not regularized:  # no penalty anywhere: skip the walk over the weights
            return losses
        return losses + self._regularization_losses()

    def _clear_losses(self) -> None:
        for layer in self._kc_flat_layers():
            layer._kc_losses.clear()
        if not _ctx.stack:
            _ctx.losses_pending = False

    def _kc_flat_layers(self) -> list:
        """``_flatten_layers()`` (this layer first, then every sublayer), cached while
        `_tracking.VERSION` is unchanged (no layer tracked or untracked anything since).
        Read it, never modify it."""
        version = _tracking.VERSION
        cache = self.__dict__.get("_kc_flat_cache")
        if cache is not None and cache[0] == version and cache[1][0] is self:  # (not a copy's)
            return cache[1]
        layers = self._flatten_layers()
        self.__dict__["_kc_flat_cache"] = (version, layers)
        return layers

    def _flatten_layers(self, include_self: bool = True, recursive: bool = True) -> list:
        out, seen = ([self] if include_self else []), {id(self)}
        queue = list(self._kc_layers)
        while queue:
            layer = queue.pop(0)
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            if recursive:
                queue[:0] = layer._kc_layers
        return out

    # Config ----------------------------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments that recreate the layer (without weights)."""
        from kc import dtype_policies

        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": dtype_policies.serialize(self._dtype_policy)}
        if self.activity_regularizer is not None:  # (a subclass writes it only when set)
            from kc import regularizers

            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if _is_default(type(self).get_config, Layer.get_config):
            auto = self._kc_auto_config
            if auto is None:
                raise NotImplementedError(
                    f"Layer {type(self).__name__} was created with arguments that cannot be "
                    "serialized automatically; implement get_config() returning "
                    "{**super().get_config(), 'arg': self.arg, ...}."
                )
            if type(self).__init__ is Layer.__init__:
                from kc import regularizers

                config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
                config["autocast"] = self.autocast
            return {**auto, **config}
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            from kc import dtype_policies

            config["dtype"] = dtype_policies.deserialize(config["dtype"])
        try:
            return cls(**config)
        except TypeError as e:
            raise TypeError(
                f"Layer {cls.__name__}: from_config could not recreate the layer from config keys "
                f"{sorted(config)}; if __init__ takes other arguments, override get_config/from_config."
            ) from e

    def get_build_config(self):
        shapes = self._kc_build_shapes
        if shapes is None:
            return None
        if len(shapes) == 1:
            return {"input_shape": next(iter(shapes.values()))}
        return {"shapes_dict": shapes}

    def build_from_config(self, config) -> None:
        if not config:
            return
        if "input_shape" in config:
            shapes = {"input_shape": config["input_shape"]}
        else:
            shapes = config["shapes_dict"]
        with self._open_name_scope():
            if _is_default(type(self).build, Layer.build):
                self.build(*shapes.values())
            else:
                _call_build(self, shapes)
        self._kc_build_shapes = shapes
        self.built = True


def _wrap_build(build):
    """Make a subclass's ``build`` record its shapes, set the layer's path, create
    variables under the layer's name scope, and mark the layer built."""

    @functools.wraps(build)
    def wrapper(self, *args, **kwargs):
        if self._kc_build_shapes is None:
            if len(args) == 1 and not kwargs:
                self._kc_build_shapes = {"input_shape": args[0]}
            elif kwargs and not args:
                self._kc_build_shapes = dict(kwargs)
        if self._path is None:
            parent = scopes.current_path()
            self._path = f"{parent}/{self.name}" if parent else self.name
        with self._open_name_scope():
            result = build(self, *args, **kwargs)
        self.built = True
        return result

    wrapper._kc_build_wrapper = True
    return wrapper


def _call_build(layer: Layer, shapes: dict) -> None:
    params = [p for p in inspect.signature(layer.build).parameters.values()
              if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if len(params) <= 1:  # build(input_shape): the first call argument's shape, as Keras
        values = list(shapes.values())
        value = values[0] if values else None
        if params:
            layer.build(value)
        else:
            layer.build()
        return
    kwargs = {}
    for p in params:
        if p.name in shapes:
            kwargs[p.name] = shapes[p.name]
        elif p.default is inspect.Parameter.empty:
            raise ValueError(
                f"Layer '{layer.name}': build() expects argument {p.name!r}, but call() received "
                f"shapes for {sorted(shapes)} (build arguments are named after call arguments "
                "with the suffix _shape)."
            )
    layer.build(**kwargs)


def _shape_to_spec(shape, dtype):
    if isinstance(shape, (tuple, list)) and all(d is None or isinstance(d, int) for d in shape):
        return KerasTensor(tuple(shape), dtype=dtype)
    if isinstance(shape, dict):
        return {k: _shape_to_spec(v, dtype) for k, v in shape.items()}
    return type(shape)(_shape_to_spec(s, dtype) for s in shape)


def _fresh(out):
    """Copies of traced outputs without the throwaway graph history."""
    return tree.map_structure(
        lambda t: KerasTensor(t.shape, t.dtype, sparse=t.sparse) if isinstance(t, KerasTensor) else t,
        out)


class _NullScope:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NULL_SCOPE = _NullScope()


def _auto_config(cls, args, kwargs):
    """The constructor arguments, when they are plain JSON-like values (else None)."""
    try:
        bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
    except TypeError:
        return None
    bound.apply_defaults()
    config = {}
    for name, value in list(bound.arguments.items())[1:]:
        param = bound.signature.parameters[name]
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            config.update(value)
        elif param.kind is not inspect.Parameter.VAR_POSITIONAL:
            config[name] = value
    return config if _plain(config) else None


def _plain(value) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return hasattr(value, "get_config")  # serializable objects (initializers, policies, ...)

