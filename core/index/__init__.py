"""The session library's search index: SQLite FTS5 over what was said in every rollout.

``$LHA_HOME/index.sqlite`` is derived data (rollouts stay the only truth): created on first need,
updated incrementally, rebuilt when anything is wrong with it. ``database`` opens and heals it,
``extract`` says what text a rollout line contributes, ``ingest``/``updater`` keep it current,
``query`` turns what the user typed into an FTS5 query, ``search`` answers it with ``snippet``s,
and ``live`` updates it off the event loop after each turn of a running thread.
"""
