"""Imported only inside the extraction pool's processes (``nashra.pool``): each of them asks the
kernel for SIGTERM when its parent dies, so a SIGKILLed daemon leaves no idle forkserver or pool
worker behind (Linux ``prctl(PR_SET_PDEATHSIG)``; elsewhere nothing happens)."""

from __future__ import annotations

import ctypes
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        return


die_with_parent()  # the forkserver imports this module once, at its start
