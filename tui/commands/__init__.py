"""The non-interactive ``lha`` commands (exec, threads, models, login, logout)."""
