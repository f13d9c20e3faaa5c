"""The seccomp program bwrap installs (``--seccomp FD``) when a sandboxed command has the network.

With ``--unshare-net`` a command has its own network namespace, so the host's abstract-namespace
Unix sockets (X11, some D-Bus buses) are out of reach; with ``network_access = true`` it shares the
host's, and those sockets would answer. seccomp sees only the registers of a call, never the
address a pointer points to, so it cannot tell an abstract socket from a file socket, nor a path
inside the workspace from one outside. The filter therefore refuses to create Unix sockets at all
(``socket(AF_UNIX, ...)`` fails with EPERM; ``socketpair`` stays allowed: its two ends only reach
each other), and refuses io_uring, which could open and connect sockets without those system
calls. Calls of another ABI (32-bit, x32) are killed, so they cannot slip past the numbers checked.

The program is classic BPF, packed with ``struct`` (no libseccomp needed).
"""

from __future__ import annotations

import platform
import struct
from dataclasses import dataclass

AF_UNIX = 1
EPERM = 1
ENOSYS = 38

_SECCOMP_RET_KILL_PROCESS = 0x80000000
_SECCOMP_RET_ERRNO = 0x00050000
_SECCOMP_RET_ALLOW = 0x7FFF0000

_BPF_LD_W_ABS = 0x20
_BPF_JEQ_K = 0x15
_BPF_JGE_K = 0x35
_BPF_RET_K = 0x06

_OFFSET_NR = 0
_OFFSET_ARCH = 4
_OFFSET_ARG0_LOW = 16
"""``seccomp_data.args[0]``, low 32 bits (both supported machines are little-endian)."""


@dataclass(frozen=True)
class _Abi:
    audit_arch: int
    socket: int
    io_uring: tuple[int, ...]
    foreign_from: int | None = None
    """Numbers from here on belong to another ABI sharing the arch value (x86-64's x32)."""


_ABIS = {
    "x86_64": _Abi(0xC000003E, socket=41, io_uring=(425, 426, 427), foreign_from=0x40000000),
    "aarch64": _Abi(0xC00000B7, socket=198, io_uring=(425, 426, 427)),
}


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def no_unix_sockets_filter(machine: str | None = None) -> bytes | None:
    """The BPF program for this machine, or None where lha does not know its system calls."""
    abi = _ABIS.get(machine or platform.machine())
    if abi is None:
        return None
    deny_socket = _SECCOMP_RET_ERRNO | EPERM
    no_io_uring = _SECCOMP_RET_ERRNO | ENOSYS
    program = [_insn(_BPF_LD_W_ABS, _OFFSET_ARCH), _insn(_BPF_JEQ_K, abi.audit_arch, jt=1)]
    program.append(_insn(_BPF_RET_K, _SECCOMP_RET_KILL_PROCESS))
    program.append(_insn(_BPF_LD_W_ABS, _OFFSET_NR))
    if abi.foreign_from is not None:
        program += [
            _insn(_BPF_JGE_K, abi.foreign_from, jf=1),
            _insn(_BPF_RET_K, _SECCOMP_RET_KILL_PROCESS),
        ]
    for number in abi.io_uring:
        program += [_insn(_BPF_JEQ_K, number, jf=1), _insn(_BPF_RET_K, no_io_uring)]
    program += [
        _insn(_BPF_JEQ_K, abi.socket, jf=3),
        _insn(_BPF_LD_W_ABS, _OFFSET_ARG0_LOW),
        _insn(_BPF_JEQ_K, AF_UNIX, jf=1),
        _insn(_BPF_RET_K, deny_socket),
        _insn(_BPF_RET_K, _SECCOMP_RET_ALLOW),
    ]
    return b"".join(program)
