"""Rules that keep names and keywords to what they mean (news/catalog/data/*_rules.tsv).

- company_rules.tsv: words that, right after a company's name, make it a different entity:
  sports teams and foundations named after a group (삼성 라이온즈, 삼성 재단), fruit and
  rivers (Apple pie, Amazon rainforest). The company ``*`` applies to every company.
  A Latin name joined by a hyphen to another word is a different name too (youtube-dl),
  unless the word only says how the company relates to the subject (Google-backed).
- topic_rules.tsv: ``exclude`` phrases inside which a keyword does not count ("national
  security" is not cybersecurity); ``context`` keywords that are ordinary words outside tech
  (ban, funding, 투자) and count only for a story that is about tech already.

The rules are written for news in general, never for one outlet's wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from news.core.text import HANGUL_CLASS, normalize

COMPANY_RULES_HEADER = ("company", "followed_by")
TOPIC_RULES_HEADER = ("rule", "phrases")

# After a hyphen these say how a company relates to the subject (Google-backed startup):
# the company is still named (as a passing mention, see news.catalog.subjects).
RELATION_SUFFIXES = frozenset(
    (
        "backed", "owned", "funded", "led", "based", "made", "built", "powered", "run",
        "operated", "made", "designed", "branded", "developed", "sponsored", "style", "like",
        "esque", "era", "rival", "sized", "scale", "exclusive", "only", "compatible",
        "certified", "approved", "specific", "related", "focused", "friendly", "free",
    )
)  # fmt: skip
_NEXT_WORD = re.compile(f" ?({HANGUL_CLASS}+|[0-9a-z]+)")
_HYPHENATED = re.compile(r"-([0-9a-z]+)")


@dataclass(frozen=True, slots=True)
class Followers:
    """The words that make a name another entity, split once by script: a Latin next word
    is looked up whole, a Korean one by its start (it carries its particles)."""

    latin: frozenset[str]
    korean: tuple[str, ...]

    @classmethod
    def of(cls, words: set[str] | frozenset[str]) -> Followers:
        return cls(
            frozenset(w for w in words if w.isascii()),
            tuple(sorted(w for w in words if not w.isascii())),
        )


@dataclass(frozen=True, slots=True)
class CompanyRules:
    by_spelling: dict[str, frozenset[str]]  # normalised spelling ("" for every company)

    def followers(self, spelling: str) -> frozenset[str]:
        """The words that make ``spelling`` another entity ("" asks for the general ones)."""
        return self.by_spelling.get(normalize(spelling), frozenset())

    def makes_other_entity(self, folded: str, end: int, following: Followers) -> bool:
        """Whether the lower-cased text after a name ending at ``end`` makes it another
        entity: a hyphenated word that is not a relation, or a listed next word."""
        hyphenated = _HYPHENATED.match(folded, end)
        if hyphenated and folded[end - 1 : end].isascii():
            return hyphenated.group(1) not in RELATION_SUFFIXES
        word = _NEXT_WORD.match(folded, end)
        if word is None:
            return False
        text = word.group(1)
        if text.isascii():
            return text in following.latin
        # A Korean word carries its particles: 라이온즈가 is still 라이온즈.
        return text.startswith(following.korean)


@dataclass(frozen=True, slots=True)
class TopicRules:
    exclusions: tuple[str, ...]  # phrases, as written
    context_only: frozenset[str]  # keywords, lower-cased


def parse_company_rules(text: str) -> CompanyRules:
    by_spelling: dict[str, set[str]] = {}
    for key, words in _rows(text, COMPANY_RULES_HEADER):
        spelling = "" if key == "*" else normalize(key)
        by_spelling.setdefault(spelling, set()).update(normalize(w) for w in words)
    return CompanyRules({key: frozenset(words) for key, words in by_spelling.items()})


def parse_topic_rules(text: str) -> TopicRules:
    exclusions: list[str] = []
    context: set[str] = set()
    for rule, phrases in _rows(text, TOPIC_RULES_HEADER):
        if rule == "exclude":
            exclusions += phrases
        elif rule == "context":
            context.update(phrase.lower() for phrase in phrases)
        else:
            raise ValueError(f"unknown topic rule {rule!r}")
    return TopicRules(tuple(dict.fromkeys(exclusions)), frozenset(context))


@cache
def bundled_company_rules() -> CompanyRules:
    return parse_company_rules(_read("company_rules.tsv"))


@cache
def bundled_topic_rules() -> TopicRules:
    return parse_topic_rules(_read("topic_rules.tsv"))


NO_COMPANY_RULES = CompanyRules({})
NO_TOPIC_RULES = TopicRules((), frozenset())


def read_rows(filename: str, header: tuple[str, str]) -> list[tuple[str, list[str]]]:
    """The rows of a bundled two-column data file: (key, the cell's ``|`` list)."""
    return _rows(_read(filename), header)


def _read(filename: str) -> str:
    return (files("news.catalog") / "data" / filename).read_text(encoding="utf-8")


def _rows(text: str, header: tuple[str, str]) -> list[tuple[str, list[str]]]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines or tuple(lines[0].split("\t")) != header:
        raise ValueError(f"expected the header {' / '.join(header)}")
    rows: list[tuple[str, list[str]]] = []
    for line in lines[1:]:
        key, _, cell = line.partition("\t")
        rows.append((key.strip(), [p.strip() for p in cell.split("|") if p.strip()]))
    return rows
