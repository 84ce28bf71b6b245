"""`Model.summary()`: the Keras-style table of layers, output shapes and parameters."""

from __future__ import annotations

import math

from kc import dtypes, tree
from kc.layers import InputLayer, Layer


def _format_size(n_bytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n_bytes < 1024 or unit == "TB":
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024
    return f"{n_bytes:.2f} TB"


def _count(variables) -> tuple[int, int]:
    """(number of scalars, bytes) of unique variables."""
    seen, count, size = set(), 0, 0
    for v in variables:
        if id(v) in seen:
            continue
        seen.add(id(v))
        n = math.prod(v.shape)
        count += n
        size += n * max(dtypes.dtype_size(v.dtype), 8) // 8
    return count, size


def _shape_text(value) -> str:
    shapes = [tuple(t.shape) for t in tree.flatten(value) if hasattr(t, "shape")]
    if not shapes:
        return "?"
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _built_shape_text(layer) -> str:
    """Output shape of a layer called outside a graph (eagerly, e.g. inside a subclassed
    model): computed from the input shapes it was built with; "?" when unknown."""
    shapes = getattr(layer, "_kc_build_shapes", None)
    if not shapes or not getattr(layer, "built", False):
        return "?"
    try:
        out = layer.compute_output_shape(*shapes.values())
    except Exception:  # noqa: BLE001 - a shape we cannot infer is shown as "?"
        return "?"
    if isinstance(out, tuple) and all(d is None or isinstance(d, int) for d in out):
        return str(tuple(out))
    flat = tree.flatten(out, is_leaf=lambda t: isinstance(t, tuple) and all(
        d is None or isinstance(d, int) for d in t))
    return str(flat[0]) if len(flat) == 1 else str(flat)


def _wrap_cell(text: str, width: int) -> list[str]:
    """Fill `text` into lines of `width` characters, breaking at spaces; a word longer
    than the width is cut to ``width - 1`` characters followed by "…"."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            if not line:
                line = word
            elif len(line) + 1 + len(word) <= width:
                line += " " + word
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return [ln if len(ln) <= width else ln[:max(width - 1, 0)] + "…" for ln in lines]


def _class_name(op) -> str:
    public = getattr(op, "public", None)
    if public is not None:
        return "".join(p[:1].upper() + p[1:] for p in public.__name__.split("_"))
    return type(op).__name__


def _rows(model, show_connections: bool):
    from kc.models._functional import Functional
    from kc.models._sequential import Sequential

    graph = model if isinstance(model, Functional) else getattr(model, "_kc_functional", None)
    if graph is not None:
        node_ids = {id(n) for n in graph._kc_nodes}
        ops = [op for op in graph._kc_operations
               if not (isinstance(model, Sequential) and isinstance(op, InputLayer))]
    else:
        node_ids, ops = None, model.layers
    rows = []
    for op in ops:
        nodes = [n for n in op._inbound_nodes if node_ids is None or id(n) in node_ids]
        if isinstance(op, InputLayer):
            shape = _shape_text(op.output)
        elif nodes:
            shape = _shape_text(nodes[0].outputs)
        else:
            shape = _built_shape_text(op)
        if isinstance(op, Layer):
            params = f"{op.count_params():,}" if op.built else "0 (unbuilt)"
        else:
            params = "0"
        connected = []
        for node in nodes:
            for t in node.input_tensors:
                if t._keras_history is not None:
                    src, node_index, tensor_index = t._keras_history
                    connected.append(f"{src.name}[{node_index}][{tensor_index}]")
        rows.append({
            "name": f"{op.name} ({_class_name(op)})",
            "shape": shape,
            "params": params,
            "connected": ", ".join(connected) or "-",
            "trainable": ("Y" if op.trainable else "N")
            if isinstance(op, Layer) and op.built else "-",
        })
    return rows


def _is_sequential_like(model) -> bool:
    from kc.models._functional import Functional

    if not isinstance(model, Functional):
        return True
    previous = None
    for op in model._kc_operations:
        nodes = op._inbound_nodes
        if isinstance(op, InputLayer):
            if previous is not None:
                return False
            previous = op
            continue
        if len(nodes) != 1 or len(nodes[0].input_tensors) != 1:
            return False
        source = nodes[0].input_tensors[0]._keras_history
        if source is None or source[0] is not previous:
            return False
        previous = op
    return True


def _table(headers, rows, widths, align) -> list[str]:
    def cells(values):
        wrapped = [_wrap_cell(v, w - 2) for v, w in zip(values, widths)]
        height = max(len(c) for c in wrapped)
        lines = []
        for i in range(height):
            parts = []
            for col, (w, a) in enumerate(zip(widths, align)):
                text = wrapped[col][i] if i < len(wrapped[col]) else ""
                text = text.rjust(w - 2) if a == "r" else text.center(w - 2) if a == "c" \
                    else text.ljust(w - 2)
                parts.append(f" {text} ")
            lines.append(parts)
        return lines

    out = ["┏" + "┳".join("━" * w for w in widths) + "┓"]
    out += ["┃" + "┃".join(p) + "┃" for p in cells(headers)]
    out.append("┡" + "╇".join("━" * w for w in widths) + "┩")
    for i, row in enumerate(rows):
        out += ["│" + "│".join(p) + "│" for p in cells(row)]
        if i < len(rows) - 1:
            out.append("├" + "┼".join("─" * w for w in widths) + "┤")
    out.append("└" + "┴".join("─" * w for w in widths) + "┘")
    return out


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None) -> None:
    sequential_like = _is_sequential_like(model)
    rows = _rows(model, not sequential_like)
    if layer_range is not None:
        names = [r["name"].split(" (")[0] for r in rows]
        start, end = layer_range
        if start not in names or end not in names:
            raise ValueError(
                f"summary: layer_range names must be layers of the model; got {layer_range!r}, "
                f"layers are {names}."
            )
        rows = rows[names.index(start):names.index(end) + 1]
    headers = ["Layer (type)", "Output Shape", "Param #"]
    keys, align = ["name", "shape", "params"], ["l", "l", "r"]
    if not sequential_like:
        headers.append("Connected to")
        keys.append("connected")
        align.append("l")
    if show_trainable:
        headers.append("Trainable")
        keys.append("trainable")
        align.append("c")
    if positions is None:
        widths = [33, 24, 15] if sequential_like else [21, 19, 12, 19]
        if show_trainable:
            widths.append(9)
        if line_length is not None:
            scale = line_length / (sum(widths) + len(widths) + 1)
            widths = [max(int(w * scale), 6) for w in widths]
    else:
        line_length = line_length or (78 if sequential_like else 98)
        if positions[-1] <= 1:
            positions = [int(line_length * p) for p in positions]
        widths, last = [], 0
        for p in positions[:len(headers)]:
            widths.append(max(int(p) - last - 1, 6))
            last = int(p)
    lines = [f'Model: "{model.name}"']
    lines += _table(headers, [[r[k] for k in keys] for r in rows], widths, align)
    trainable = _count(model.trainable_weights)
    non_trainable = _count(model.non_trainable_weights)
    total = (trainable[0] + non_trainable[0], trainable[1] + non_trainable[1])
    lines.append(f" Total params: {total[0]:,} ({_format_size(total[1])})")
    lines.append(f" Trainable params: {trainable[0]:,} ({_format_size(trainable[1])})")
    lines.append(f" Non-trainable params: {non_trainable[0]:,} ({_format_size(non_trainable[1])})")
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(optimizer, "built", False):
        count = _count(optimizer.variables)
        lines.append(f" Optimizer params: {count[0]:,} ({_format_size(count[1])})")
    if print_fn is None:
        print("\n".join(lines))
    else:  # as Keras: one call with the whole text, ending in a newline
        print_fn("\n".join(lines) + "\n")
