"""`Function`: a graph of recorded operations, from symbolic inputs to outputs,
callable on real tensors (the engine under the functional Model).
"""

from __future__ import annotations

from kc import tree
from kc.ops._keras_tensor import KerasTensor
from kc.ops._operation import Node, Operation


class Function(Operation):
    """Replay the operations between ``inputs`` and ``outputs``.

    Args:
        inputs: KerasTensor or structure of them.
        outputs: KerasTensor or structure of them, computed from ``inputs``.
        name: optional name.

    Example:
        >>> x = kc.KerasTensor((None, 3))
        >>> f = kc.Function(x, kc.ops.exp(x) + 1)
        >>> f(np.zeros((2, 3), "float32"))   # all 2.0
    """

    def __init__(self, inputs, outputs, name: str | None = None):
        super().__init__(name=name)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._inputs = tree.flatten(inputs)
        self._outputs = tree.flatten(outputs)
        for t in self._inputs + self._outputs:
            if not isinstance(t, KerasTensor):
                raise ValueError(f"Function: inputs and outputs must be KerasTensors, got {t!r}.")
        self._nodes = _nodes_between(self._inputs, self._outputs)

    @property
    def inputs(self) -> list:
        return self._inputs

    @property
    def outputs(self) -> list:
        return self._outputs

    @property
    def operations(self) -> list:
        seen, ops = set(), []
        for node in self._nodes:
            if id(node.operation) not in seen:
                seen.add(id(node.operation))
                ops.append(node.operation)
        return ops

    def call(self, inputs):
        return self._run(inputs, lambda op, *a, **k: op(*a, **k))

    def compute_output_spec(self, inputs):
        return self._run(inputs, lambda op, *a, **k: op.compute_output_spec(*a, **k))

    def _run(self, inputs, apply):
        flat = tree.flatten(inputs)
        if len(flat) != len(self._inputs):
            raise ValueError(
                f"Function '{self.name}': expected {len(self._inputs)} input(s), got {len(flat)}."
            )
        values = run_nodes(self._nodes, self._inputs, flat, apply)
        return tree.pack_sequence_as(self._outputs_struct, [values[id(t)] for t in self._outputs])


def run_nodes(nodes: list, input_tensors: list, input_values: list, apply) -> dict:
    """Replay ``nodes`` (in order) on values; return ``{id(KerasTensor): value}``.

    ``apply(operation, *args, **kwargs)`` computes one node; the arguments are
    the node's recorded ones with each KerasTensor replaced by its value.
    """
    values = {id(k): v for k, v in zip(input_tensors, input_values)}

    def lookup(t):
        return values[id(t)] if isinstance(t, KerasTensor) and id(t) in values else t

    for node in nodes:
        if node.flat_args:  # the common case: tensors and constants, no nesting
            args = [values.get(id(a), a) if type(a) is KerasTensor else a for a in node.call_args]
            out = apply(node.operation, *args)
        else:
            args, kwargs = tree.map_structure(lookup, (node.call_args, node.call_kwargs))
            out = apply(node.operation, *args, **kwargs)
        outputs = node.output_tensors
        if len(outputs) == 1 and not isinstance(out, (list, tuple, dict)):
            values[id(outputs[0])] = out
        else:
            for t, v in zip(outputs, tree.flatten(out)):
                values[id(t)] = v
    return values


def _nodes_between(inputs: list, outputs: list) -> list[Node]:
    """Nodes needed to compute ``outputs`` from ``inputs``, in execution order.

    Iterative depth-first search, so deep graphs do not hit the recursion limit.
    """
    input_ids = {id(t) for t in inputs}
    order, done = [], set()
    stack = [(t, False) for t in reversed(outputs)]
    while stack:
        tensor, expanded = stack.pop()
        if id(tensor) in input_ids:
            continue
        history = tensor._keras_history
        if history is None:
            raise ValueError(
                f"Function: an output depends on tensor {tensor.name!r}, which is not among the "
                "inputs and was not produced by an operation."
            )
        op, node_index, _ = history
        node = op._inbound_nodes[node_index]
        if id(node) in done:
            continue
        if expanded:
            done.add(id(node))
            order.append(node)
            continue
        stack.append((tensor, True))
        for t in reversed(node.input_tensors):
            stack.append((t, False))
    return order
