"""The welcome text of an empty screen: the app shows it, and so does the first frame painted
before Textual loads (``tui.prepaint``)."""

EMPTY_STATE = (
    "lha — a workbench for coding-agent conversations\n\n"
    "Type a message below and press Enter to start a thread.\n"
    "Ctrl+N new thread · Ctrl+O model · Ctrl+B fork · Ctrl+T threads · Ctrl+P commands\n"
    "Type / for commands: /diff /undo /compact /find /export ..."
)
