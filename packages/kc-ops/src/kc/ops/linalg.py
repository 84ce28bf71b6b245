"""`kc.ops.linalg`: linear algebra (the same functions are on `kc.ops`)."""

from kc.ops._linalg import *  # noqa: F401,F403
