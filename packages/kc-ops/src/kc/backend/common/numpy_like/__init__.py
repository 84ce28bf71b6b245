"""Op bodies written once for the backends whose array module mirrors NumPy.

NumPy and ``jax.numpy`` share one API, so the NumPy and JAX backends take most
of their op bodies from here (in the spirit of array-api-compat). Each family
module has a factory ``<family>_ops(xp, core)`` taking the array module ``xp``
(``numpy`` or ``jax.numpy``) and the backend's ``core`` module, and returning
the family's functions by name; a backend module binds them with
``globals().update(...)`` and keeps only the bodies where the two differ.
Nothing here imports jax: the caller passes its array module in.
"""
