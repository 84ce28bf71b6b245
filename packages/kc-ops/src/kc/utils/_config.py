"""`Config`: a dict of settings with attribute access that can be frozen."""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from typing import Any


class Config(MutableMapping):
    """A mapping of settings readable as attributes; `freeze` makes it read-only.

    Example:
        >>> config = kc.utils.Config(learning_rate=1e-3, layers=2)
        >>> config.layers += 1
        >>> config.freeze()
        >>> config.as_dict()
        {'learning_rate': 0.001, 'layers': 3}
    """

    def __init__(self, **kwargs: Any):
        object.__setattr__(self, "_config", dict(kwargs))
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self) -> bool:
        """Whether the config refuses changes."""
        return self._frozen

    def freeze(self) -> None:
        """Refuse any further change (until `unfreeze`)."""
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self) -> None:
        object.__setattr__(self, "_frozen", False)

    def _raise_if_frozen(self) -> None:
        if self._frozen:
            raise ValueError("Config: cannot change a frozen config; call `unfreeze()` first.")

    def as_dict(self) -> dict:
        return dict(self._config)

    def to_json(self) -> str:
        return json.dumps(self._config)

    def __getattr__(self, name: str):
        try:
            return self.__dict__["_config"][name]
        except KeyError:
            raise AttributeError(f"Config has no setting {name!r}.") from None

    def __setattr__(self, name: str, value) -> None:
        self._raise_if_frozen()
        self._config[name] = value

    def __delattr__(self, name: str) -> None:
        self._raise_if_frozen()
        try:
            del self._config[name]
        except KeyError:
            raise AttributeError(f"Config has no setting {name!r}.") from None

    def __getitem__(self, key):
        return self._config[key]

    def __setitem__(self, key, value) -> None:
        self._raise_if_frozen()
        self._config[key] = value

    def __delitem__(self, key) -> None:
        self._raise_if_frozen()
        del self._config[key]

    def __iter__(self):
        return iter(self._config)

    def __len__(self) -> int:
        return len(self._config)

    def __repr__(self) -> str:
        return f"<Config {self._config}>"
