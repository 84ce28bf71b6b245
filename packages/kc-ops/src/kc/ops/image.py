"""`kc.ops.image`: image ops (the same functions are on `kc.ops`)."""

from kc.ops._image import *  # noqa: F401,F403
from kc.ops._image import __all__ as __all__  # noqa: F401
