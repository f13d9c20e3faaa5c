"""The tools a model can call: ``shell``, ``apply_patch``, MCP servers' tools and dynamic tools.

``core.tools.router`` is the entry point the agent's turn uses (specs to offer, calls to run).
Everything heavy (the MCP SDK, bubblewrap probing) is imported or started only when needed.
"""
