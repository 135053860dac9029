"""Work that must be stoppable at once runs in a separate Python process: a thread running native code
(CTranslate2, numba, BLAS) cannot be interrupted, a process can be killed and frees the CPU at once.

A worker is a plain `python -m <module> <fd> [args]` (not a multiprocessing "spawn" child: spawn
re-imports the parent's `__main__`, which under Streamlit is the page script), talking to its parent over
a socket pair with pickled messages. When the parent goes away its end closes and the worker's next
read ends it.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class WorkerProcess:
    """One worker process and the connection to it."""

    def __init__(self, module: str, *args: str) -> None:
        parent_end, child_end = socket.socketpair()
        fd = child_end.fileno()
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, str(fd), *args],
            cwd=PROJECT_ROOT,
            pass_fds=(fd,),
            stdin=subprocess.DEVNULL,
        )
        child_end.close()
        self.connection = Connection(parent_end.detach())

    def send(self, message: Any) -> None:
        self.connection.send(message)

    def poll(self, timeout: float = 0.0) -> bool:
        """True when a message is waiting (False too when the worker is gone: check `alive`)."""
        try:
            return self.connection.poll(timeout)
        except (EOFError, OSError):
            return False

    def recv(self) -> Any:
        return self.connection.recv()

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """Ask the worker to end after its current job (a None message), then make sure it has."""
        with contextlib.suppress(OSError):
            self.connection.send(None)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        self.kill()

    def kill(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.connection.close()


def child_connection(argv: list[str]) -> Connection:
    """In the worker: its end of the socket pair (argv[1])."""
    return Connection(int(argv[1]))
