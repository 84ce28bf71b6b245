"""`kc.ops.nn`: neural-network ops (the same functions are on `kc.ops`)."""

from kc.ops._conv import *  # noqa: F401,F403
from kc.ops._nn import *  # noqa: F401,F403
