"""`Functional`: a model defined by a graph from `kc.Input` tensors to outputs.

The graph is recorded while layers and `kc.ops` run on symbolic tensors;
calling the model replays it on real data. Output shapes are known as soon
as the model is defined.

Example:
    >>> a, b = kc.Input((4,), name="a"), kc.Input((4,), name="b")
    >>> shared = kc.layers.Dense(3)
    >>> model = kc.Model({"a": a, "b": b}, kc.ops.add(shared(a), shared(b)))
    >>> model.output_shape
    (None, 3)
"""

from __future__ import annotations

from kc import backend, ops, tree
from kc.backend.common.masking import set_keras_mask
from kc.layers import InputLayer, Layer, _call_context
from kc.layers._layer import _CallSignature, _fresh
from kc.models._model import Model
from kc.ops import KerasTensor
from kc.ops._function import _nodes_between, run_nodes


def _as_structure(value):
    if isinstance(value, (list, tuple)) and len(value) == 1 and isinstance(value[0], KerasTensor):
        return value[0] if isinstance(value, tuple) else value
    return value


class Functional(Model):
    """A model built with the functional API: ``Model(inputs, outputs)``.

    Args:
        inputs: a `kc.Input` tensor, or a list/tuple/dict of them.
        outputs: a symbolic tensor computed from ``inputs``, or a
            list/tuple/dict (nested) of them.
        name: the model's name.
        trainable: whether its weights are trained.
    """

    _keras_module = "keras.src.models.functional"  # where Keras 3 writes and reads it
    _keras_registered_name = "Functional"

    def __init__(self, inputs, outputs, name=None, **kwargs):
        trainable = kwargs.pop("trainable", True)
        if kwargs:
            raise TypeError(f"Functional model: unrecognized keyword arguments {sorted(kwargs)}.")
        Layer.__init__(self, trainable=trainable, name=name)
        self._init_model_state()
        self.__dict__["_kc_call_sig"] = _CallSignature(type(self).call)
        self._init_graph(inputs, outputs)

    def _init_graph(self, inputs, outputs) -> None:
        flat_inputs = tree.flatten(inputs)
        flat_outputs = tree.flatten(outputs)
        for t in flat_inputs:
            if not isinstance(t, KerasTensor):
                raise ValueError(
                    f"Model '{self.name}': all inputs must be symbolic tensors made by kc.Input, got "
                    f"{type(t).__name__}: {t!r}."
                )
        for t in flat_outputs:
            if not isinstance(t, KerasTensor):
                raise ValueError(
                    f"Model '{self.name}': all outputs must be symbolic tensors computed from the "
                    f"inputs, got {type(t).__name__}: {t!r}."
                )
        self.__dict__["_kc_inputs_struct"] = _as_structure(inputs)
        self.__dict__["_kc_outputs_struct"] = _as_structure(outputs)
        self.__dict__["_kc_inputs"] = flat_inputs
        self.__dict__["_kc_outputs"] = flat_outputs
        nodes = _nodes_between(flat_inputs, flat_outputs)
        self.__dict__["_kc_nodes"] = nodes
        operations = []
        for t in flat_inputs:
            history = t._keras_history
            if history is not None and isinstance(history[0], InputLayer):
                if not any(op is history[0] for op in operations):
                    operations.append(history[0])
        for node in nodes:
            if not any(op is node.operation for op in operations):
                operations.append(node.operation)
        names = [op.name for op in operations if isinstance(op, Layer)]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(
                f"Model '{self.name}': all layer names should be unique; {duplicates} appear more "
                "than once."
            )
        self.__dict__["_kc_operations"] = operations
        for op in operations:
            if isinstance(op, Layer):
                self._kc_track_one("layer", op, op.name)
        self.built = True
        self._kc_build_shapes = {"input_shape": tree.map_structure(lambda t: t.shape, inputs)}

    # Graph properties --------------------------------------------------------------------
    @property
    def inputs(self):
        return self._kc_inputs_struct if isinstance(self._kc_inputs_struct, (list, dict)) \
            else list(self._kc_inputs)

    @property
    def outputs(self):
        return self._kc_outputs_struct if isinstance(self._kc_outputs_struct, (list, dict)) \
            else list(self._kc_outputs)

    @property
    def output_names(self) -> list:
        """The name of the layer (or op) making each output, in `tree.flatten` order.

        Example:
            >>> inputs = kc.Input((3,))
            >>> kc.Model(inputs, [kc.layers.Dense(1, name="p")(inputs)]).output_names
            ['p']
        """
        return [t._keras_history[0].name for t in tree.flatten(self._kc_outputs_struct)]

    @property
    def input(self):
        return self._kc_inputs_struct

    @property
    def output(self):
        return self._kc_outputs_struct

    @property
    def input_shape(self):
        return tree.map_structure(lambda t: t.shape, self._kc_inputs_struct)

    @property
    def output_shape(self):
        return tree.map_structure(lambda t: t.shape, self._kc_outputs_struct)

    @property
    def input_dtype(self):
        return tree.map_structure(lambda t: t.dtype, self._kc_inputs_struct)

    @property
    def operations(self) -> list:
        """Every operation of the graph (input layers, layers and `kc.ops`), in order."""
        return list(self._kc_operations)

    @property
    def layers(self) -> list:
        """The graph's layers (input layers included), in execution order."""
        return [op for op in self._kc_operations if isinstance(op, Layer)]

    # Running --------------------------------------------------------------------------------
    def call(self, inputs, training=None, mask=None):
        flat = self._standardize_inputs(inputs)
        if mask is not None:
            for x, m in zip(flat, tree.flatten(mask) if not hasattr(mask, "shape") else [mask]):
                if m is not None:
                    set_keras_mask(x, m)
        # As Keras: the model's training flag, when set, overrides the one each layer
        # call recorded (layers record their call's default, e.g. Dropout's False).
        apply = _apply if training is None else _apply_training(training)
        values = run_nodes(self._kc_nodes, self._kc_inputs, flat, apply)
        return tree.pack_sequence_as(self._kc_outputs_struct,
                                     [values[id(t)] for t in self._kc_outputs])

    def _kc_fast_runner(self, x):
        if type(self).call is not Functional.call:
            return None
        return _replay_plan(self, x)

    def compute_output_spec(self, inputs, training=None, mask=None):
        flat = self._standardize_inputs(inputs, convert=False)
        values = run_nodes(self._kc_nodes, self._kc_inputs, flat, _apply_spec)
        return _fresh(tree.pack_sequence_as(self._kc_outputs_struct,
                                            [values[id(t)] for t in self._kc_outputs]))

    def compute_output_shape(self, input_shape):
        specs = tree.map_structure(lambda t: KerasTensor(t, dtype=self.compute_dtype)
                                   if isinstance(t, tuple) else t, input_shape)
        return tree.map_structure(lambda t: t.shape, self.compute_output_spec(specs))

    def _standardize_inputs(self, inputs, convert: bool = True) -> list:
        expected = self._kc_inputs
        if isinstance(inputs, dict) and not isinstance(self._kc_inputs_struct, dict):
            by_name = {t.name: t for t in expected}
            missing = [name for name in by_name if name not in inputs]
            if missing:
                raise ValueError(
                    f"Model '{self.name}': missing input(s) {missing}; the model's inputs are "
                    f"{list(by_name)}, received keys {sorted(inputs)}."
                )
            flat = [inputs[t.name] for t in expected]
        elif isinstance(self._kc_inputs_struct, dict) and isinstance(inputs, dict):
            missing = sorted(set(self._kc_inputs_struct) - set(inputs))
            if missing:
                raise ValueError(
                    f"Model '{self.name}': missing input key(s) {missing}; expected keys "
                    f"{sorted(self._kc_inputs_struct)}, received {sorted(inputs)}."
                )
            flat = tree.flatten({k: inputs[k] for k in self._kc_inputs_struct})
        else:
            flat = tree.flatten(inputs) if not hasattr(inputs, "shape") else [inputs]
        if len(flat) != len(expected):
            raise ValueError(
                f"Model '{self.name}' expects {len(expected)} input(s), but it received "
                f"{len(flat)} input tensors."
            )
        if convert:
            flat = [_adapt(x, t) for x, t in zip(flat, expected)]
        return flat

    # Config ------------------------------------------------------------------------------------
    def get_config(self) -> dict:
        from kc.models._functional_config import functional_config

        return functional_config(self)


def _replay_plan(model: Functional, x):
    """``run(x)``: the graph of a one-input ``model`` as a flat replay for tensors of x's
    dtype, doing what `call` does without its per-call structure handling; None when a
    node has nested arguments or tensors among its keyword arguments. The training flag
    comes from the call context (`Layer._call_fast_run` pushes the model's)."""
    if len(model._kc_inputs) != 1 or isinstance(model._kc_inputs_struct, dict):
        return None
    spec = model._kc_inputs[0]
    if backend.standardize_dtype(x.dtype) != spec.dtype:
        return None
    ndim = len(spec.shape)
    nodes = model._kc_nodes
    for node in nodes:
        if any(isinstance(a, (list, tuple, dict)) for a in node.call_args) or any(
                isinstance(t, KerasTensor) for t in tree.flatten(node.call_kwargs)):
            return None
    outputs = model._kc_outputs
    single_out = len(outputs) == 1 and isinstance(model._kc_outputs_struct, KerasTensor)
    stack = _call_context.state.stack

    def adapt(x):
        return x if len(x.shape) == ndim else _adapt(x, spec)

    def takes_training(op) -> bool:
        sig = getattr(op, "_kc_call_sig", None)
        return sig is not None and sig.has_training

    # A chain (each node takes the previous node's one output): a list of operations.
    chain, previous = [], spec
    for node in nodes:
        args = node.call_args
        if (len(args) != 1 or args[0] is not previous or len(node.output_tensors) != 1
                or node.outputs is not node.output_tensors[0]):
            break
        chain.append((node.operation, node.call_kwargs, takes_training(node.operation)))
        previous = node.output_tensors[0]
    else:
        if single_out and outputs[0] is previous:
            steps = tuple(chain)

            def run_chain(x):
                training = stack[-1]
                x = adapt(x)
                for op, kwargs, has_training in steps:
                    if has_training and training is not None:
                        x = op(x, **{**kwargs, "training": training})
                    else:
                        x = op(x, **kwargs) if kwargs else op(x)
                return x
            return run_chain

    # General graph: values in a list; slot 0 the input, constants in fixed slots.
    slots, init, steps = {id(spec): 0}, [None], []

    def slot_of(value):
        if type(value) is KerasTensor and id(value) in slots:
            return slots[id(value)]
        init.append(value)
        return len(init) - 1

    for node in nodes:
        ins = tuple(slot_of(a) for a in node.call_args)
        outs = []
        for t in node.output_tensors:
            init.append(None)
            slots[id(t)] = len(init) - 1
            outs.append(len(init) - 1)
        single = len(outs) == 1 and node.outputs is node.output_tensors[0]
        steps.append((node.operation, ins, node.call_kwargs, takes_training(node.operation),
                      outs[0] if single else tuple(outs)))
    out_slots = [slots[id(t)] for t in outputs]
    init = tuple(init)
    structure = model._kc_outputs_struct

    def run_graph(x):
        training = stack[-1]
        values = list(init)
        values[0] = adapt(x)
        for op, ins, kwargs, has_training, out in steps:
            if has_training and training is not None:
                kwargs = {**kwargs, "training": training}
            result = op(*[values[i] for i in ins], **kwargs)
            if type(out) is int:
                values[out] = result
            else:
                for i, v in zip(out, tree.flatten(result)):
                    values[i] = v
        if single_out:
            return values[out_slots[0]]
        return tree.pack_sequence_as(structure, [values[i] for i in out_slots])
    return run_graph


def _apply(op, *args, **kwargs):
    return op(*args, **kwargs)


def _apply_training(training):
    def apply(op, *args, **kwargs):
        sig = getattr(op, "_kc_call_sig", None)
        if sig is not None and sig.has_training:
            kwargs["training"] = training
        return op(*args, **kwargs)
    return apply


def _apply_spec(op, *args, **kwargs):
    return op.compute_output_spec(*args, **kwargs)


def _adapt(x, spec: KerasTensor):
    """Convert an input to the Input's dtype and fix a missing/extra trailing axis of size 1."""
    if x is None or isinstance(x, KerasTensor):
        return x
    if not backend.is_tensor(x) or backend.standardize_dtype(x.dtype) != spec.dtype:
        x = ops.convert_to_tensor(x, dtype=spec.dtype)
    ndim, expected = len(x.shape), len(spec.shape)
    if ndim == expected - 1 and spec.shape[-1] == 1:
        x = ops.expand_dims(x, -1)
    elif ndim == expected + 1 and x.shape[-1] == 1:
        x = ops.squeeze(x, -1)
    return x


def functional_from_config(cls, config: dict, custom_objects=None):
    from kc.models._functional_config import rebuild_graph

    inputs, outputs = rebuild_graph(config, custom_objects)
    model = cls.__new__(cls, inputs=inputs, outputs=outputs, name=config.get("name"))
    Functional.__init__(model, inputs, outputs, name=config.get("name"),
                        trainable=config.get("trainable", True))
    return model
