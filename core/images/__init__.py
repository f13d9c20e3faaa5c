"""Images a user attaches to a message: read from a file (or given as bytes), checked, and
carried as a ``data:`` URL, the form both wire APIs and the rollout take.

``sniff`` knows the four formats by their first bytes and reads their dimensions from the
header; ``attachment`` is the attachment itself, its limits and the one-line errors."""
