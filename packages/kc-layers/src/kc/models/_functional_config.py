"""A functional model's graph as a Keras-3-shaped config, and back.

The config lists every operation with its own config and its inbound nodes;
each symbolic tensor in a node's arguments is written as
``{"class_name": "__keras_tensor__", "config": {"shape", "dtype",
"keras_history": [operation name, node index, tensor index]}}``. `kc.ops`
calls are written as Keras writes its op classes (``keras.src.ops.numpy``
``Sum`` with ``axis``/``keepdims`` in the config), so Keras 3 can read them.
"""

from __future__ import annotations

import inspect

from kc import tree
from kc.layers import InputLayer
from kc.ops import KerasTensor
from kc.ops._operation import FunctionOp

_OP_MODULES = {  # kc.ops family -> the Keras module that holds its op classes
    "arithmetic": "numpy", "unary_math": "numpy", "reductions": "numpy", "creation": "numpy",
    "manipulation": "numpy", "indexing": "numpy", "products": "numpy", "conv": "nn", "nn": "nn",
    "core": "core", "math": "math", "linalg": "linalg", "image": "image",
}


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _snake(name: str) -> str:
    from kc.backend.common.naming import to_snake_case

    return to_snake_case(name)


# Writing ---------------------------------------------------------------------------------------
def _split_op_arguments(op: FunctionOp, node):
    """(tensor args, tensor kwargs, constant config) of one recorded `kc.ops` call."""
    sig = inspect.signature(op.public)
    bound = sig.bind(*node.call_args, **node.call_kwargs)
    args, kwargs, config = [], {}, {}
    leading = True
    for name, value in bound.arguments.items():
        holds_tensor = any(isinstance(t, KerasTensor) for t in tree.flatten(value))
        if holds_tensor and leading:
            args.append(value)
        elif holds_tensor:
            kwargs[name] = value
        else:
            leading = False
            if value is not sig.parameters[name].default:
                config[name] = value
    return args, kwargs, config


def functional_config(model) -> dict:
    from kc.serialization import serialize_keras_object

    node_ids = {id(n) for n in model._kc_nodes}
    local_index = {}  # (op id, global node index) -> index among this model's nodes
    for op in model._kc_operations:
        k = 0
        for i, node in enumerate(op._inbound_nodes):
            if id(node) in node_ids or (isinstance(op, InputLayer) and i == 0):
                local_index[(id(op), i)] = k
                k += 1

    def history(t: KerasTensor):
        op, node_index, tensor_index = t._keras_history
        return [op.name, local_index.get((id(op), node_index), node_index), tensor_index]

    def tensor_config(value):
        if isinstance(value, KerasTensor):
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": list(value.shape), "dtype": value.dtype,
                               "keras_history": history(value)}}
        return serialize_keras_object(value)

    layers = []
    for op in model._kc_operations:
        nodes = [n for n in op._inbound_nodes if id(n) in node_ids]
        if isinstance(op, FunctionOp):
            family = op.public.__wrapped__.__module__.rsplit(".", 1)[-1].lstrip("_")
            entry = {"module": f"keras.src.ops.{_OP_MODULES.get(family, family)}",
                     "class_name": _camel(op.public.__name__), "config": {"name": op.name},
                     "registered_name": _camel(op.public.__name__)}
            inbound = []
            for node in nodes:
                args, kwargs, config = _split_op_arguments(op, node)
                entry["config"].update(serialize_keras_object(config))
                inbound.append({"args": [tree.map_structure(tensor_config, a) for a in args],
                                "kwargs": tree.map_structure(tensor_config, kwargs)})
        else:
            entry = serialize_keras_object(op)
            inbound = [{"args": [_map(tensor_config, a) for a in node.call_args],
                        "kwargs": {k: _map(tensor_config, v) for k, v in node.call_kwargs.items()}}
                       for node in nodes]
        entry["name"] = op.name
        entry["inbound_nodes"] = inbound
        layers.append(entry)

    def ends(struct, flat):
        if isinstance(struct, dict):
            return {k: history(v) for k, v in struct.items()}
        if isinstance(struct, (list, tuple)):
            return [history(t) for t in flat]
        return history(struct)

    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": ends(model._kc_inputs_struct, model._kc_inputs),
            "output_layers": ends(model._kc_outputs_struct, model._kc_outputs)}


def _map(fn, value):
    if isinstance(value, KerasTensor):
        return fn(value)
    if isinstance(value, (list, tuple)):
        return [_map(fn, v) for v in value]
    if isinstance(value, dict):
        return {k: _map(fn, v) for k, v in value.items()}
    return fn(value)


# Reading -----------------------------------------------------------------------------------------
class _OpCall:
    """Replays a recorded `kc.ops` call: ``kc.ops.<name>(*tensors, **constants)``."""

    def __init__(self, fn, name: str, constants: dict):
        self.fn, self.name, self.constants = fn, name, constants

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs, **self.constants)


def _deserialize_operation(entry: dict, custom_objects):
    from kc import ops
    from kc.serialization import deserialize_keras_object

    module = entry.get("module") or ""
    if module.startswith(("keras.src.ops.", "kc.ops")):
        name = _snake(entry["class_name"])
        fn = getattr(ops, name, None)
        if fn is None:
            from kc.ops import image, linalg, nn

            for namespace in (nn, linalg, image):
                fn = getattr(namespace, name, None)
                if fn is not None:
                    break
        if fn is None:
            raise ValueError(
                f"Functional config: operation {entry['class_name']!r} ({module}) has no kc.ops "
                "counterpart."
            )
        config = deserialize_keras_object(dict(entry.get("config") or {}))
        config.pop("name", None)
        return _OpCall(fn, entry.get("name"), config)
    return deserialize_keras_object(
        {k: v for k, v in entry.items() if k not in ("name", "inbound_nodes")},
        custom_objects=custom_objects)


def rebuild_graph(config: dict, custom_objects=None):
    """Recreate the layers of a functional config and replay its nodes; return (inputs, outputs)."""
    from kc.serialization import deserialize_keras_object

    created, outputs_of = {}, {}  # name -> operation; (name, node index) -> outputs
    pending = []
    for entry in config["layers"]:
        op = _deserialize_operation(entry, custom_objects)
        name = entry.get("name") or getattr(op, "name", None)
        created[name] = op
        if isinstance(op, InputLayer):
            outputs_of[(name, 0)] = op.output
        for node in entry.get("inbound_nodes", []):
            pending.append((name, node))

    def resolve(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            layer_name, node_index, tensor_index = value["config"]["keras_history"]
            out = outputs_of[(layer_name, node_index)]
            return tree.flatten(out)[tensor_index]
        if isinstance(value, dict) and "class_name" in value:
            return deserialize_keras_object(value, custom_objects=custom_objects)
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    counts: dict = {}
    while pending:
        progress, waiting, blocked = False, [], set()
        for name, node in pending:
            if name in blocked:  # a layer's nodes replay in their recorded order
                waiting.append((name, node))
                continue
            try:
                args = [resolve(a) for a in node.get("args", [])]
                kwargs = {k: resolve(v) for k, v in node.get("kwargs", {}).items()}
            except KeyError:
                waiting.append((name, node))
                blocked.add(name)
                continue
            out = created[name](*args, **kwargs)
            index = counts.get(name, 0)
            counts[name] = index + 1
            outputs_of[(name, index)] = out
            progress = True
        if not progress:
            raise ValueError(
                "Functional config: cannot rebuild the graph; layers "
                f"{sorted({n for n, _ in waiting})} depend on tensors no layer produces."
            )
        pending = waiting

    def ends(value):
        if isinstance(value, dict):
            return {k: ends(v) for k, v in value.items()}
        if value and isinstance(value[0], list):
            return [ends(v) for v in value]
        layer_name, node_index, tensor_index = value
        return tree.flatten(outputs_of[(layer_name, node_index)])[tensor_index]

    return ends(config["input_layers"]), ends(config["output_layers"])

