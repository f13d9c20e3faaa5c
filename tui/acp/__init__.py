"""``lha acp``: lha's threads behind the Agent Client Protocol, for editors such as Zed and toad.

ACP is another face of lha, like the terminal UI: it drives the same ThreadManager, in the same
event loop, and its sessions are ordinary rollouts that ``lha threads`` and the UI list.
"""
