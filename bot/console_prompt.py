"""The console's prompt at a terminal: GNU readline's editing, a history kept between
sessions, and Ctrl-C as a key that drops the line being typed.

Why a key and not the signal: Python's readline waits for input in ``select()`` and looks at
signals only when that call is interrupted. A SIGINT that arrives while readline is still
handling the keys before it (drawing the line, a paste, a loaded machine) is recorded but
never acted on, and the prompt sits there until Enter as if the Ctrl-C had not been pressed
(python/cpython#112585). So while the prompt reads, the terminal passes its interrupt
character on as input (VINTR disabled), and readline ends the line itself, marked with that
character at its start (``insert-comment``), in order with every key typed before it. While a
command runs the terminal is as it was, and Ctrl-C is the signal that cancels the command.
"""

from __future__ import annotations

import os
import sys
import termios
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

HISTORY_LENGTH = 1000


class Prompt:
    """``input()`` at a terminal, with readline when the platform has it (GNU readline for
    Ctrl-C as a key; elsewhere Ctrl-C stays the signal and raises KeyboardInterrupt)."""

    def __init__(self, history_path: Path) -> None:
        self._history_path = history_path
        self._readline = _readline_module()
        self._stdin = sys.stdin.fileno()
        self._interrupt_key: str | None = None
        if self._readline is None:
            return
        self._readline.set_auto_history(False)  # a dropped line stays out of the history
        if history_path.exists():
            self._readline.read_history_file(history_path)
        self._interrupt_key = _interrupt_character(self._readline, self._stdin)
        if self._interrupt_key is not None:
            _bind_drop_line(self._readline, self._interrupt_key)

    def read_line(self, prompt: str) -> str:
        """The next line typed; a line ended by Ctrl-C is dropped and the prompt asks again.
        EOFError at Ctrl-D, KeyboardInterrupt for a SIGINT sent from elsewhere."""
        while True:
            with self._interrupt_as_key():
                line = input(prompt)
            if self._interrupt_key is not None and line.startswith(self._interrupt_key):
                continue
            if self._readline is not None and line.strip():
                self._readline.add_history(line)
            return line

    def save_history(self) -> None:
        if self._readline is None:
            return
        self._history_path.parent.mkdir(parents=True, exist_ok=True)
        self._readline.set_history_length(HISTORY_LENGTH)
        self._readline.write_history_file(self._history_path)

    @contextmanager
    def _interrupt_as_key(self) -> Iterator[None]:
        if self._interrupt_key is None:
            yield
            return
        saved = termios.tcgetattr(self._stdin)
        reading = termios.tcgetattr(self._stdin)
        reading[6][termios.VINTR] = os.fpathconf(self._stdin, "PC_VDISABLE")
        termios.tcsetattr(self._stdin, termios.TCSANOW, reading)
        try:
            yield
        finally:
            termios.tcsetattr(self._stdin, termios.TCSANOW, saved)


def _readline_module() -> ModuleType | None:
    try:
        import readline
    except ImportError:
        return None
    return readline


def _interrupt_character(readline: ModuleType, stdin: int) -> str | None:
    """The terminal's interrupt key (Ctrl-C unless ``stty intr`` changed it); None when the
    terminal has none, or when readline is libedit's (its history works, but only GNU
    readline is known to end a line with ``insert-comment``)."""
    if "libedit" in (readline.__doc__ or ""):
        return None
    key = termios.tcgetattr(stdin)[6][termios.VINTR]
    code = key[0] if isinstance(key, bytes) else key
    return None if code == os.fpathconf(stdin, "PC_VDISABLE") else chr(code)


def _bind_drop_line(readline: ModuleType, key: str) -> None:
    """The interrupt key ends the line with itself at its start, so the reader can tell a
    dropped line from any line typed (the key cannot start one, it ends it)."""
    readline.parse_and_bind(f"set comment-begin {key}")
    readline.parse_and_bind(f'"\\{ord(key):03o}": insert-comment')
