"""`Operation` and `Node`: how symbolic calls are recorded into a graph.

Every kc op and every layer is an Operation. Called on concrete tensors it
computes (`call`); called on symbolic tensors it returns output specs
(`compute_output_spec`) and records a `Node` linking inputs to outputs, which
`Function` (and the functional `Model`) later replays on real data.
"""

from __future__ import annotations

from kc import tree
from kc.backend.common.naming import auto_name, to_snake_case
from kc.ops._keras_tensor import KerasTensor, any_symbolic


class Operation:
    """Base of every op and layer.

    Subclasses implement `call` (the computation) and `compute_output_spec`
    (shape and dtype of the result from symbolic inputs).

    Example:
        >>> class Double(kc.Operation):
        ...     def call(self, x):
        ...         return x * 2
        ...     def compute_output_spec(self, x):
        ...         return kc.KerasTensor(x.shape, x.dtype)
        >>> Double()(kc.KerasTensor((None, 3))).shape
        (None, 3)
    """

    def __init__(self, name: str | None = None):
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(f"{type(self).__name__}: name must be a str without '/', got {name!r}.")
        self.name = name or auto_name(to_snake_case(type(self).__name__))
        self._inbound_nodes: list[Node] = []
        self._outbound_nodes: list[Node] = []

    def __call__(self, *args, **kwargs):
        if any_symbolic(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args, **kwargs):
        """Compute output specs and record the call in the graph."""
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, call_args=args, call_kwargs=kwargs, outputs=outputs)
        return outputs

    def call(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement call().")

    def compute_output_spec(self, *args, **kwargs):
        raise NotImplementedError(
            f"{type(self).__name__} '{self.name}' cannot infer its output shape: "
            "implement compute_output_spec()."
        )

    def _node_output(self, attr: str):
        if not self._inbound_nodes:
            raise AttributeError(f"{type(self).__name__} '{self.name}' has never been called on a symbolic input.")
        if len(self._inbound_nodes) > 1:
            raise AttributeError(
                f"{type(self).__name__} '{self.name}' has been called {len(self._inbound_nodes)} times; "
                f"its {attr} is ambiguous."
            )
        node = self._inbound_nodes[0]
        values = node.input_tensors if attr == "input" else node.output_tensors
        return values[0] if len(values) == 1 else values

    @property
    def input(self):
        """The symbolic input of the single call of this operation."""
        return self._node_output("input")

    @property
    def output(self):
        """The symbolic output of the single call of this operation."""
        return self._node_output("output")

    def get_config(self) -> dict:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class Node:
    """One recorded call: ``operation(*call_args, **call_kwargs) -> outputs``.

    Attributes:
        operation: the Operation called.
        call_args, call_kwargs: the arguments, KerasTensors left in place.
        input_tensors: the KerasTensors among the arguments, in flatten order.
        outputs: the output structure; output_tensors its flat KerasTensors.
        parent_nodes: the nodes that produced the input tensors.
    """

    def __init__(self, operation: Operation, call_args=(), call_kwargs=None, outputs=None):
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs = outputs
        self.input_tensors = [t for t in tree.flatten((self.call_args, self.call_kwargs))
                              if isinstance(t, KerasTensor)]
        # Replay can substitute tensors without walking structures (see `run_nodes`).
        self.flat_args = not self.call_kwargs and not any(
            isinstance(a, (list, tuple, dict)) for a in self.call_args)
        self.output_tensors = [t for t in tree.flatten(outputs) if isinstance(t, KerasTensor)]
        self.parent_nodes = []
        for t in self.input_tensors:
            history = t._keras_history
            if history is not None:
                parent_op, node_index, _ = history
                self.parent_nodes.append(parent_op._inbound_nodes[node_index])
                parent_op._outbound_nodes.append(self)
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for i, t in enumerate(self.output_tensors):
            if t.record_history:
                t._keras_history = (operation, node_index, i)

    @property
    def is_input(self) -> bool:
        return not self.input_tensors

    def __repr__(self):
        return f"<Node {self.operation.name}: {len(self.input_tensors)} in, {len(self.output_tensors)} out>"


class FunctionOp(Operation):
    """The Operation recorded when a `kc.ops` function sees symbolic input."""

    def __init__(self, name: str, fn, rule):
        # Shape inference inside a layer (a SymbolicScope) records throwaway nodes:
        # they must not use up the names users see in functional models.
        from kc.backend.common.scopes import in_symbolic_scope

        super().__init__(name=name if in_symbolic_scope() else auto_name(name))
        self._fn = fn
        self._rule = rule
        self.public = None  # the public kc.ops function, set by the op decorator

    def call(self, *args, **kwargs):
        return self._fn(*args, **kwargs)

    def compute_output_spec(self, *args, **kwargs):
        return self._rule(*args, **kwargs)
