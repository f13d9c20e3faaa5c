"""File snapshots: every turn's changes to the thread's folders, kept so they can be shown
(``lha diff``), undone (``lha undo``) and restored into a fork (``--restore-files``).

The snapshots are trees in a private shadow repository per folder, made with the real ``git``
binary (``shadow_repo``); ``recorder`` takes them around turns and ``turn_hook`` is the turn's
one call into it; ``diff``, ``undo`` and ``fork_files`` read them back through ``restore``.
"""
