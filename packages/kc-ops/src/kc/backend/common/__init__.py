"""Backend-independent pieces shared by every backend: naming, scopes, variables."""
