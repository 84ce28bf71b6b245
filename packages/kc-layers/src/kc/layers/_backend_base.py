"""The backend-specific base class of every `Layer`.

On torch, a Layer is a ``torch.nn.Module``: its variables are registered as
Parameters and its sublayers as child modules, so ``parameters()``,
``state_dict()``, ``.to(device)`` and ``torch.optim`` work on kc models. On
the other backends the base is ``object``: a TensorFlow Layer's variables
are ``tf.Variable``-backed (``tf.GradientTape`` watches them) and a JAX
Layer is driven through `Layer.stateless_call`.
"""

from __future__ import annotations

from kc import config

if config.backend() == "torch":
    import torch

    class BackendLayer(torch.nn.Module):
        """``torch.nn.Module`` glue: registration of variables and sublayers."""

        def _kc_backend_init(self) -> None:
            torch.nn.Module.__init__(self)

        def _kc_register_layer(self, layer, key: str) -> None:
            modules = self.__dict__["_modules"]
            if any(m is layer for m in modules.values()):
                return
            modules[_unique(_safe(key or layer.name), modules)] = layer

        def _kc_unregister_layer(self, layer) -> None:
            modules = self.__dict__["_modules"]
            for k in [k for k, m in modules.items() if m is layer]:
                del modules[k]

        def _kc_register_variable(self, variable) -> None:
            params = self.__dict__["_parameters"]
            value = variable._value
            if any(p is value for p in params.values()):
                return
            params[_unique(_safe(variable.name), params)] = value

        def _kc_unregister_variable(self, variable) -> None:
            params = self.__dict__["_parameters"]
            for k in [k for k, p in params.items() if p is variable._value]:
                del params[k]

        def _kc_plain_setattr(self, name, value) -> None:
            modules = self.__dict__.get("_modules")
            if modules is not None and name in modules and modules[name] is not value:
                del modules[name]
            if not name.startswith("_kc") and isinstance(value, (torch.nn.Module, torch.nn.Parameter)):
                torch.nn.Module.__setattr__(self, name, value)  # registers children/parameters
            else:  # kc variables are registered by the layer; bookkeeping stays plain
                object.__setattr__(self, name, value)

        def forward(self, *args, **kwargs):
            return self.__call__(*args, **kwargs)

        def __repr__(self):
            return self._kc_repr()

        __hash__ = object.__hash__

else:

    class BackendLayer:
        """No framework object needed: variables hold the backend's state."""

        def _kc_backend_init(self) -> None:
            pass

        def _kc_register_layer(self, layer, key: str) -> None:
            pass

        def _kc_unregister_layer(self, layer) -> None:
            pass

        def _kc_register_variable(self, variable) -> None:
            pass

        def _kc_unregister_variable(self, variable) -> None:
            pass

        def _kc_plain_setattr(self, name, value) -> None:
            object.__setattr__(self, name, value)


def _safe(key: str) -> str:
    return key.replace(".", "_").replace("/", "_") or "_"


def _unique(key: str, taken: dict) -> str:
    if key not in taken:
        return key
    n = 1
    while f"{key}_{n}" in taken:
        n += 1
    return f"{key}_{n}"
