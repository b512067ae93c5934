"""What an article says about itself: title, author, publisher and time, from front matter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from news.archive.parsing.blocks import FrontMatterField
from news.archive.parsing.dates import DATE_KEYS, published_time

_TITLE_KEYS = frozenset({"title"})
_AUTHOR_KEYS = frozenset({"author", "authors", "writer", "by"})
_PUBLISHER_KEYS = frozenset({"publisher", "site", "site_name", "newsletter", "source_name"})


@dataclass(slots=True)
class Metadata:
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    copyright: str | None = None
    published_at: datetime | None = None

    def use(self, field: FrontMatterField) -> bool:
        """Take a front matter field when it says something not known yet; False if unused."""
        if not field.value:
            return False
        if field.key in _TITLE_KEYS and self.title is None:
            self.title = field.value
        elif field.key in _AUTHOR_KEYS and self.author is None:
            self.author = field.value
        elif field.key in _PUBLISHER_KEYS and self.publisher is None:
            self.publisher = field.value
        elif field.key in DATE_KEYS and self.published_at is None:
            self.published_at = published_time(field.value)
            return self.published_at is not None
        else:
            return False
        return True
