"""Collects sections while a reader walks the lines: commentary first, then its headlines."""

from __future__ import annotations

from dataclasses import dataclass, field

from news.archive.parsing.repeats import drop_repeats
from news.core.models import ParsedHeadline, ParsedSection


@dataclass(slots=True)
class DraftHeadline:
    title: str
    line_no: int
    url: str | None = None
    tag: str | None = None
    summary: str = ""
    from_paragraph: bool = False  # a story told as a paragraph, its first sentence the title

    def extend_summary(self, text: str, separator: str = " ") -> None:
        if text:
            self.summary = f"{self.summary}{separator}{text}" if self.summary else text

    def freeze(self) -> ParsedHeadline:
        return ParsedHeadline(
            title=self.title, url=self.url, summary=self.summary, tag=self.tag, line_no=self.line_no
        )


@dataclass(slots=True)
class DraftSection:
    title: str | None
    # The headline a "Story 3: …" heading names; the paragraphs below it are about that story.
    story: DraftHeadline | None = None
    paragraphs: list[str] = field(default_factory=list)
    headlines: list[DraftHeadline] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.paragraphs and not self.headlines and self.story is None

    def freeze(self) -> ParsedSection:
        headlines = [self.story, *self.headlines] if self.story else self.headlines
        return ParsedSection(
            title=self.title,
            paragraphs=tuple(self.paragraphs),
            headlines=tuple(headline.freeze() for headline in headlines),
        )


class SectionBuilder:
    """A section is one or more paragraphs followed by their run of headlines.

    So a paragraph that comes after headlines opens the next section; a heading always does.
    """

    def __init__(self, *, match_titles: bool = True) -> None:
        self._match_titles = match_titles  # False in a Korean column: see drop_repeats
        self._sections: list[DraftSection] = [DraftSection(title=None)]
        self._heading_section: DraftSection | None = None

    @property
    def _current(self) -> DraftSection:
        return self._sections[-1]

    @property
    def last_headline(self) -> DraftHeadline | None:
        headlines = self._current.headlines
        return headlines[-1] if headlines else None

    def open_section(self, title: str, story: DraftHeadline | None = None) -> None:
        if self._current.is_empty() and self._current.title is None:
            self._current.title, self._current.story = title, story
        else:
            self._sections.append(DraftSection(title=title, story=story))
        self._heading_section = self._current

    def name_story(self, story: DraftHeadline) -> None:
        """The story the last heading was about, known once its link shows up below it."""
        section = self._heading_section or self._current
        section.story = story

    def add_paragraph(self, text: str) -> None:
        if self._current.headlines:
            self._sections.append(DraftSection(title=None))
        self._current.paragraphs.append(text)

    def extend_paragraph(self, text: str) -> None:
        """Continue the last paragraph (a hard-wrapped Markdown paragraph spans several lines)."""
        paragraphs = self._current.paragraphs
        if paragraphs and not self._current.headlines:
            paragraphs[-1] = f"{paragraphs[-1]} {text}"
        else:
            self.add_paragraph(text)

    def add_headline(self, headline: DraftHeadline) -> None:
        self._current.headlines.append(headline)

    def build(self) -> tuple[ParsedSection, ...]:
        drop_repeats(self._sections, match_titles=self._match_titles)
        return tuple(section.freeze() for section in self._sections if not section.is_empty())
