"""The engine side of the terminal UI: open threads, their state, and what each action does.

Nothing here imports the App: it reaches the screen only through ``tui.threads.port.AppPort``.
"""
