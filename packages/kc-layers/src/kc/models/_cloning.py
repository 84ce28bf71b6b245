"""`clone_model`: the same architecture with new, freshly initialized weights.

Example:
    >>> copy = kc.models.clone_model(model)
    >>> copy.set_weights(model.get_weights())
"""

from __future__ import annotations

from kc import tree
from kc.layers import Input, InputLayer, Layer
from kc.ops._function import run_nodes


def _default_clone(layer: Layer) -> Layer:
    return layer.__class__.from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False, **kwargs):
    """Clone a Sequential, functional or subclassed model (new weights).

    Args:
        model: the model to clone.
        input_tensors: optional symbolic tensors to build the clone on.
        clone_function: ``layer -> new layer``; default: re-create from config.
        call_function: ``(layer, *args, **kwargs) -> outputs`` used to call each
            cloned layer while rebuilding a functional graph.
        recursive: also clone the layers inside nested models.
    """
    from kc.models._functional import Functional
    from kc.models._model import Model
    from kc.models._sequential import Sequential

    if kwargs:
        raise ValueError(f"clone_model: unrecognized keyword arguments {sorted(kwargs)}.")
    clone = clone_function or _default_clone

    def clone_layer(layer):
        if recursive and isinstance(layer, (Sequential, Functional)):
            return clone_model(layer, clone_function=clone_function,
                               call_function=call_function, recursive=True)
        return clone(layer)

    if isinstance(model, Sequential):
        layers = [clone_layer(layer) for layer in model.layers]
        if input_tensors is not None:
            first = tree.flatten(input_tensors)[0]
            return Sequential([Input(tensor=first)] + layers, name=model.name,
                              trainable=model.trainable)
        stack = model._kc_stack
        if stack and isinstance(stack[0], InputLayer):
            head = InputLayer(batch_shape=stack[0].batch_shape, dtype=stack[0].dtype,
                              name=stack[0].name)
            layers = [head] + layers
        return Sequential(layers, name=model.name, trainable=model.trainable)

    if isinstance(model, Functional):
        if input_tensors is None:
            new_inputs = tree.map_structure(
                lambda t: Input(batch_shape=t.shape, dtype=t.dtype,
                                name=t._keras_history[0].name if t._keras_history else None),
                model._kc_inputs_struct)
        else:
            new_inputs = input_tensors
        cloned = {}

        def apply(op, *args, **kw):
            if isinstance(op, Layer):
                if id(op) not in cloned:
                    cloned[id(op)] = clone_layer(op)
                new = cloned[id(op)]
                return call_function(new, *args, **kw) if call_function else new(*args, **kw)
            return op.public(*args, **kw)

        values = run_nodes(model._kc_nodes, model._kc_inputs, tree.flatten(new_inputs), apply)
        outputs = tree.pack_sequence_as(model._kc_outputs_struct,
                                        [values[id(t)] for t in model._kc_outputs])
        return Model(new_inputs, outputs, name=model.name, trainable=model.trainable)

    if isinstance(model, Model):
        try:
            return model.__class__.from_config(model.get_config())
        except NotImplementedError as e:
            raise ValueError(
                f"clone_model: subclassed model {type(model).__name__} cannot be cloned because it "
                "does not implement get_config()/from_config()."
            ) from e
    raise ValueError(f"clone_model expects a kc Model, got {type(model).__name__}.")
