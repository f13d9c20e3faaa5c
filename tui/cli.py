"""The ``lha`` command line (filled in by the engine and TUI issues)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from core import __version__

    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "--version":
        print(f"lha {__version__}")
        return 0
    print("usage: lha [--version]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
