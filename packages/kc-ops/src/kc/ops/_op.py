"""The `op` decorator: one declaration per op, one function per backend.

An op is declared once in ``kc/ops/_<family>.py``::

    @op(rule=rules.broadcast_binary)
    def add(x1, x2):
        \"\"\"Add arguments element-wise. ...\"\"\"

The declaration gives the signature, the docstring and the shape/dtype rule
(``rule=``, or the declaration's own body when it returns a spec). The
computation is ``kc.backend.<active>.<family>.add``. `op` generates a public
function with the same signature whose body is one check and one call:

* all tensor arguments are the backend's native tensor type with one dtype and
  the backend marked its function with a ``native`` fast path: call it (if
  the native call raises, fall through so the full path gives kc's error);
* any argument is a `KerasTensor`: return the rule's output spec and record a
  graph node;
* else: call the backend's function.
"""

from __future__ import annotations

import inspect

from kc import backend as _backend
from kc.ops._keras_tensor import KerasTensor, any_symbolic
from kc.ops._operation import FunctionOp

_P = inspect.Parameter


def _missing(name: str, family: str):
    backend_name = _backend.backend()

    def unavailable(*args, **kwargs):
        raise NotImplementedError(
            f"kc.ops.{name} is not available on the {backend_name} backend "
            f"(kc.backend.{backend_name}.{family} has no {name})."
        )

    return unavailable


def op(fn=None, *, rule=None, tensors=None, family=None, backend_name=None):
    """Declare a kc op (see the module docstring).

    Args:
        rule: callable(*args, **kwargs) -> KerasTensor structure giving the
            output spec; defaults to the declaration's own body.
        tensors: names of the parameters that can hold tensors (default: the
            parameters without a default value, plus ``*args``). Lists and dicts
            in them are searched for symbolic tensors.
        family: backend module name; default from the declaring module
            (``kc.ops._nn`` -> ``nn``).
        backend_name: the backend function's name, default the op's name.
    """
    if fn is None:
        return lambda f: op(f, rule=rule, tensors=tensors, family=family, backend_name=backend_name)

    name = fn.__name__
    family = family or fn.__module__.rsplit(".", 1)[-1].lstrip("_")
    module = _backend.backend_module(family)
    impl = getattr(module, backend_name or name, None) if module is not None else None
    if impl is None:
        impl = _missing(name, family)
    spec_rule = rule or fn
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())

    if tensors is None:
        tensors = [p.name for p in params
                   if p.default is _P.empty and p.kind is not _P.VAR_KEYWORD]
    tensors = list(tensors)
    unknown = set(tensors) - {p.name for p in params}
    if unknown:
        raise TypeError(f"op {name}: tensors names unknown parameters {sorted(unknown)}")

    # Source for a function with the declaration's exact signature.
    header, call_pos, call_kw, seen_star = [], [], [], False
    for p in params:
        if p.kind is _P.POSITIONAL_ONLY:
            header.append(p.name)
            call_pos.append(p.name)
        elif p.kind is _P.POSITIONAL_OR_KEYWORD:
            header.append(p.name)
            call_pos.append(p.name)
        elif p.kind is _P.VAR_POSITIONAL:
            header.append("*" + p.name)
            call_pos.append("*" + p.name)
            seen_star = True
        elif p.kind is _P.KEYWORD_ONLY:
            if not seen_star:
                header.append("*")
                seen_star = True
            header.append(p.name)
            call_kw.append(f"{p.name}={p.name}")
        else:
            header.append("**" + p.name)
            call_kw.append("**" + p.name)
    if any(p.kind is _P.POSITIONAL_ONLY for p in params):
        last = max(i for i, p in enumerate(params) if p.kind is _P.POSITIONAL_ONLY)
        header.insert(last + 1, "/")
    call = ", ".join(call_pos + call_kw)
    kinds = {p.name: p.kind for p in params}
    checks = []
    for t in tensors:
        if kinds[t] in (_P.VAR_POSITIONAL, _P.VAR_KEYWORD):
            checks.append(f"_any_symbolic({t})")
        else:
            checks.append(f"isinstance({t}, _KT) or (type({t}) in _SEQ and _any_symbolic({t}))")
    symbolic_check = " or ".join(f"({c})" for c in checks) or "False"
    sym_args = "(" + ", ".join(call_pos) + (",)" if call_pos else ")")
    sym_kwargs = "{" + ", ".join(f"{k.split('=')[0]!r}: {k.split('=')[0]}" for k in call_kw
                                 if not k.startswith("**")) + "}"
    if any(k.startswith("**") for k in call_kw):
        star_kw = [k[2:] for k in call_kw if k.startswith("**")][0]
        sym_kwargs = f"dict({sym_kwargs}, **{star_kw})"

    lines = [f"def {name}({', '.join(header)}):"]
    native = getattr(impl, "native", None)
    positional = [p.name for p in params if p.kind in (_P.POSITIONAL_ONLY, _P.POSITIONAL_OR_KEYWORD)]
    fast_tensors = [t for t in tensors if t in positional]
    if native is not None and fast_tensors and len(fast_tensors) == len(tensors):
        first = fast_tensors[0]
        cond = " and ".join(f"type({t}) in _TS" for t in fast_tensors)
        cond += "".join(f" and {t}.dtype is {first}.dtype" for t in fast_tensors[1:])
        native_dtypes = getattr(impl, "native_dtypes", None)
        if native_dtypes is not None:
            cond += f" and {first}.dtype in _ND"
        lines.append(f"    if {cond}:")
        lines.append("        try:")
        lines.append(f"            return _native({call})")
        lines.append("        except Exception:")
        lines.append("            pass  # let the full path raise its named error")
    lines.append(f"    if {symbolic_check}:")
    lines.append(f"        return _symbolic({sym_args}, {sym_kwargs})")
    lines.append(f"    return _impl({call})")
    source = "\n".join(lines)

    def _symbolic(args, kwargs):
        operation = FunctionOp(name, impl, spec_rule)
        operation.public = namespace[name]  # for serialization of functional graphs
        out = operation.symbolic_call(*args, **kwargs)
        if out is None:
            raise NotImplementedError(f"kc.ops.{name} has no shape rule for symbolic inputs.")
        return out

    namespace = {
        "_KT": KerasTensor,
        "_SEQ": (list, tuple, dict),
        "_any_symbolic": any_symbolic,
        "_impl": impl,
        "_native": native,
        "_ND": getattr(impl, "native_dtypes", None),
        "_TS": frozenset(getattr(_backend._active, "NATIVE_TYPES", ())),
        "_symbolic": _symbolic,
    }
    exec(compile(source, f"<kc.ops.{name}>", "exec"), namespace)
    public = namespace[name]
    public.__defaults__ = fn.__defaults__
    public.__kwdefaults__ = fn.__kwdefaults__
    public.__doc__ = fn.__doc__
    public.__module__ = "kc.ops"
    public.__qualname__ = name
    public.__wrapped__ = fn
    public.__signature__ = sig
    public.rule = spec_rule
    public.backend_function = impl
    return public
