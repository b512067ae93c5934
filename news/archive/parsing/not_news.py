"""Blocks that are not news, tracked while the reader walks: code fences, prompt sections,
job boards and sponsor blocks under their heading, and blocks a marker line opens."""

from __future__ import annotations

from news.archive.parsing import blocks
from news.archive.parsing.blocks import Heading
from news.archive.parsing.lines import SourceLine

NOT_NEWS = "not news (prompt or code)"


class NotNewsBlocks:
    def __init__(self) -> None:
        self._fence: str | None = None
        self._prompt_level: int | None = None
        # A block under a heading ("Who's hiring"): the heading level that ends it.
        self._block_level: int | None = None
        # A block a marker line opened ("Sponsored"): lines left, unless a rule or heading.
        self._block_lines = 0
        self._reason = ""
        self._rest: str | None = None  # everything from here on (an e-mail's footer)

    def in_fence(self, line: SourceLine) -> bool:
        """Inside a code block (its closing fence included), or opening one."""
        if self._fence is not None:
            if line.text.startswith(self._fence):
                self._fence = None
            return True
        self._fence = blocks.opens_fence(line)
        return self._fence is not None

    def open_prompt(self, level: int) -> None:
        self._prompt_level = level

    def open_under_heading(self, level: int, reason: str) -> None:
        self._block_level, self._reason = level, reason

    def open_for_lines(self, count: int, reason: str) -> None:
        self._block_lines, self._reason = count, reason

    def open_rest(self, reason: str) -> None:
        self._rest = reason

    def reason(self, line: SourceLine, heading: Heading | None) -> str | None:
        """Why this line belongs to a block that is not news, or None when it is outside one.

        A prompt section or a block under a heading lasts until a heading as high as the one
        that opened it; a block a marker line opened, until a rule, a heading or a few lines on.
        """
        if self._rest is not None:
            return self._rest
        if self._prompt_level is not None:
            if heading is None or heading.level > self._prompt_level:
                return NOT_NEWS
            self._prompt_level = None
        if self._block_level is not None:
            if heading is None or heading.level > self._block_level:
                return self._reason
            self._block_level = None
        if self._block_lines:
            if heading is not None or blocks.is_rule(line.text):
                self._block_lines = 0
                return None
            self._block_lines -= 1
            return self._reason
        return None
