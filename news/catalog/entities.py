"""People and products with their Korean and English names (news/catalog/data/entities.tsv).

Grouping reports of one story across languages needs to know that 샘 알트먼 and Sam Altman, or
챗GPT and ChatGPT, are one name: each person and product has one id (its English name, folded),
whatever spelling a title uses. The list holds widely known tech people and products; like the
company list, it is data, checked on load (a broken bundled list is a programming error).

Names are found on word boundaries, as whole runs of words: a Korean name may carry a particle
(알트먼은, 젠슨 황이) and may be written with or without its space (젠슨황), an English name may be
plural or possessive (iPhones, Altman's); 시리즈 is not 시리 and Cookies is not Tim Cook.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files

from news.catalog.bundled import CatalogError, bundled_companies, company_spellings
from news.core.models import CompanySpec

ENTITY_HEADER = ("kind", "name", "english_name", "aliases")

_TOKEN = re.compile(r"[가-힣]+|[a-z0-9]+")
# Particles and endings a Korean name may carry in a title (알트먼은, 비트코인으로, 황이).
_PARTICLE = re.compile(
    r"(?P<stem>[가-힣]+?)(?:에서는|에서도|으로는|으로도|에게서|에서|에게|으로|까지|부터|보다|처럼|"
    r"이라|이다|이며|에는|에도|와는|과는|가|이|은|는|을|를|의|와|과|도|로|에|만|랑|측)"
)


class EntityKind(StrEnum):
    PERSON = "person"
    PRODUCT = "product"
    COMPANY = "company"  # from the company list; its id is the company's canonical name


_LISTED_KINDS = frozenset((EntityKind.PERSON, EntityKind.PRODUCT))


@dataclass(frozen=True, slots=True)
class EntitySpec:
    """One person or product: its Korean name, English name and other spellings."""

    kind: EntityKind
    name: str
    english_name: str
    aliases: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The id shared by every spelling: the English name, folded."""
        return unicodedata.normalize("NFKC", self.english_name).casefold()

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, self.english_name, *self.aliases)


def bundled_entities() -> list[EntitySpec]:
    """The people and products shipped with the bot, validated."""
    text = (files("news.catalog") / "data" / "entities.tsv").read_text(encoding="utf-8")
    return parse_entities(text)


@cache
def bundled_entity_recognizer() -> EntityRecognizer:
    """One recognizer over the bundled people, products and companies, built the first time
    it is asked for."""
    return EntityRecognizer(bundled_entities(), bundled_companies())


def parse_entities(text: str) -> list[EntitySpec]:
    """Parse a people-and-products TSV (`kind`, `name`, `english_name`, `aliases`), validated."""
    lines = text.splitlines()
    if not lines or tuple(lines[0].split("\t")) != ENTITY_HEADER:
        raise CatalogError(f"expected the header {' / '.join(ENTITY_HEADER)}")
    specs: list[EntitySpec] = []
    problems: list[str] = []
    for line_no, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        row = [cell.strip() for cell in line.split("\t")]
        if len(row) == len(ENTITY_HEADER) - 1:
            row.append("")  # no aliases
        if len(row) != len(ENTITY_HEADER) or not all(row[:3]):
            problems.append(f"line {line_no}: expected 4 tab-separated columns")
            continue
        kind, name, english_name, aliases = row
        if kind not in _LISTED_KINDS:
            problems.append(f"line {line_no}: unknown kind {kind!r}")
            continue
        own = {name, english_name}
        extra = dict.fromkeys(a.strip() for a in aliases.split("|") if a.strip() not in own)
        extra.pop("", None)
        specs.append(EntitySpec(EntityKind(kind), name, english_name, tuple(extra)))
    validate_entities(specs, problems)
    return specs


def validate_entities(specs: Sequence[EntitySpec], problems: list[str] | None = None) -> None:
    """Raise CatalogError when a spelling has no words, or names two people or products."""
    found = list(problems or ())
    owners: dict[tuple[str, ...], str] = {}
    for spec in specs:
        keys = {key for spelling in spec.spellings for key in _spelling_keys(spelling)}
        if not all(_words(spelling) for spelling in spec.spellings):
            found.append(f"{spec.english_name}: a spelling has no letters or digits")
        for key in keys:
            owner = owners.setdefault(key, spec.id)
            if owner != spec.id:
                found.append(f"spelling {' '.join(key)!r} is shared by {owner} and {spec.id}")
        if any(len(key) == 1 and len(key[0]) < 2 for key in keys):
            found.append(f"{spec.english_name}: a one-letter spelling would match anywhere")
    if found:
        raise CatalogError("invalid people and products list: " + "; ".join(found))


Named = tuple[EntityKind, str]  # a kind and an id


class EntityRecognizer:
    """Finds the people and products (and companies, when given) a text names, as ids shared
    by every spelling."""

    def __init__(self, specs: Iterable[EntitySpec], companies: Iterable[CompanySpec] = ()) -> None:
        self._names: dict[tuple[str, ...], Named] = {}
        for spec in specs:
            for spelling in spec.spellings:
                for key in _spelling_keys(spelling):
                    self._names.setdefault(key, (spec.kind, spec.id))
        for company in companies:
            for spelling in company_spellings(company):
                for key in _spelling_keys(spelling):
                    self._names.setdefault(key, (EntityKind.COMPANY, company.name))
        self._longest = max(map(len, self._names), default=1)

    def find(self, text: str) -> tuple[str, ...]:
        """The ids of the people and products named in the text, in order, each once."""
        named, _ = self.split(text)
        return tuple(entity for kind, entity in named if kind in _LISTED_KINDS)

    def split(self, text: str) -> tuple[tuple[Named, ...], str]:
        """What the text names, in order, each once; and its other words (folded)."""
        tokens = _words(text)
        found: dict[Named, None] = {}
        rest: list[str] = []
        names = self._names
        position = 0
        while position < len(tokens):
            for length in range(min(self._longest, len(tokens) - position), 0, -1):
                head = tuple(tokens[position : position + length - 1])
                match = next(
                    (
                        names[key]
                        for last in _variants(tokens[position + length - 1])
                        if (key := (*head, last)) in names
                    ),
                    None,
                )
                if match is not None:
                    found[match] = None
                    position += length
                    break
            else:
                rest.append(tokens[position])
                position += 1
        return tuple(found), " ".join(rest)


def _words(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def _spelling_keys(spelling: str) -> list[tuple[str, ...]]:
    """The word runs a spelling matches: as written, and Korean words run together."""
    words = tuple(_words(spelling))
    keys = [words]
    if len(words) > 1 and all("가" <= word[0] <= "힣" for word in words):
        keys.append(("".join(words),))  # 젠슨 황 is also written 젠슨황
    return keys


def _variants(token: str) -> tuple[str, ...]:
    """The forms a title's word may be a name in: as it is, without a particle (Korean), or
    without a plural or possessive ``s`` (English)."""
    if "가" <= token[0] <= "힣":
        ending = _PARTICLE.fullmatch(token)
        return (token, ending["stem"]) if ending else (token,)
    if len(token) > 3 and token.endswith("s"):
        return (token, token[:-1])
    return (token,)
