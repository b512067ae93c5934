"""The console at a real terminal (a pseudo-terminal): Ctrl-C drops the line being typed,
not the program, and /quit leaves with exit 0.

Every step waits for what the console shows (a fresh prompt, the echo of the keys) before
typing more, so the keys never race the console; the only timeouts are upper bounds for a
console that has stopped answering."""

from __future__ import annotations

import os
import re
import select
import signal
import sys
import time
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")

WAIT_SECONDS = 60.0
# A fresh prompt starts a line; a prompt redrawn while editing (on a dumb terminal) does not.
PROMPT = b"\r\nroundup> "


class Terminal:
    """The parent's side of the pseudo-terminal: what the console showed, read in order
    (select waits on the descriptor; nothing sleeps)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._unread = b""

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def expect(self, marker: bytes) -> bytes:
        """What the console showed up to and including ``marker``; what came after it is
        kept for the next call."""
        deadline = time.monotonic() + WAIT_SECONDS
        while marker not in self._unread and time.monotonic() < deadline:
            chunk = self._read(timeout=deadline - time.monotonic())
            if not chunk:  # the console closed the terminal
                break
            self._unread += chunk
        assert marker in self._unread, self._unread[-500:]
        shown, _, self._unread = self._unread.partition(marker)
        return shown + marker

    def expect_closed(self) -> bytes:
        """What the console showed until it closed the terminal (it has left)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while (chunk := self._read(timeout=deadline - time.monotonic())) is not None:
            if not chunk:
                shown, self._unread = self._unread, b""
                return shown
            self._unread += chunk
        pytest.fail(f"the console did not leave within {WAIT_SECONDS} s: {self._unread[-500:]!r}")

    def _read(self, timeout: float) -> bytes | None:
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0.0))
        if not ready:
            return None
        try:
            return os.read(self.fd, 4096)
        except OSError:  # EIO: the child has closed its side
            return b""


def _start_console(folder: Path) -> tuple[int, Terminal]:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the console on its own archive, in its own folder
        os.chdir(folder)
        os.environ["DATABASE_PATH"] = str(folder / "archive.db")
        os.environ["LANG"] = "C.UTF-8"
        os.environ["TERM"] = "xterm"
        os.environ["INPUTRC"] = os.devnull  # the developer's key bindings stay out of it
        os.environ.pop("DISCORD_TOKEN", None)
        os.execv(sys.executable, [sys.executable, "-m", "bot", "console"])
    return pid, Terminal(fd)


def test_ctrl_c_cancels_the_line_and_quit_leaves_with_0(tmp_path: Path) -> None:
    pid, terminal = _start_console(tmp_path)
    try:
        terminal.expect(PROMPT)
        terminal.type(b"/company half-typed")
        terminal.expect(b"half-typed")
        terminal.type(b"\x03")  # Ctrl-C: the line is dropped, a new prompt comes
        dropped = terminal.expect(PROMPT)
        terminal.type(b"/weeks\n")
        shown = terminal.expect(PROMPT)
        terminal.type(b"/quit\n")
        terminal.expect_closed()
        _, status = os.waitpid(pid, 0)
    except BaseException:
        os.kill(pid, signal.SIGKILL)  # a console that stopped answering is not left behind
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(terminal.fd)
    assert b"error" not in dropped + shown  # the dropped line never ran
    assert re.search(rb"\d{4}-W\d{2}", shown)  # the /weeks table
    assert b"Traceback" not in shown
    assert os.waitstatus_to_exitcode(status) == 0
    history = (tmp_path / "data" / ".console_history").read_text().splitlines()
    assert history == ["/weeks", "/quit"]
