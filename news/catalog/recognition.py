"""Finding the companies and topics a headline names, and looking names up for people.

Company names in Korean text sit inside words: 마이크로소프트가 is Microsoft with a particle,
but 애플리케이션 is not Apple and 메타버스 is not Meta. A Hangul spelling therefore matches
only from a word start to a word end or a run of particles; a Latin spelling matches only as
a whole word (Hangul may touch it: MS가). Photo credits and URLs are blanked before matching,
because "[사진: 엔비디아]" names who took the picture, not what the story is about.

Spellings live in an Aho-Corasick automaton that reports every occurrence in one pass; of
those that begin at a word start, the longest whose ending fits wins. Where Hangul touches
both sides of an ending, the Korean analyser (news.language.korean) has the last word: the
hit must end a morpheme and be followed by grammar or a generic head noun, so 인수위원회 is
not 인수 and 국가보안법 is not 보안. A name followed by a word that makes it a different
entity (삼성 라이온즈, Apple pie, youtube-dl) is not the company (news/catalog/data/
company_rules.tsv); a keyword inside an excluded phrase ("national security") is not the
topic, and context keywords (ban, funding) count only for a tech story (topic_rules.tsv).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from news.catalog.automaton import NameAutomaton, is_ascii_alnum
from news.catalog.ranking import (
    CHOICE_TEXT_LIMIT,
    choice_label,
    closest,
    compact,
    jamo,
    ranked,
)
from news.catalog.rules import (
    CompanyRules,
    Followers,
    TopicRules,
    bundled_company_rules,
    bundled_topic_rules,
)
from news.core.models import Company, Topic
from news.core.text import HANGUL_CLASS, is_hangul, normalize
from news.language.korean import KoreanAnalyser, shared_analyser

AUTOCOMPLETE_LIMIT = 25

# Latin spellings this short (MS, HP, KT, Arm, xAI) are ordinary words or fragments in other
# cases (ms, arm, XAI for explainable AI), so only the exact case counts.
_CASE_SENSITIVE_MAX_LEN = 3

# Particles and endings that may follow a Korean name inside the same word. Up to four of
# them may stack (에+서+부터+도); anything else glued on makes a different word.
_PARTICLES = (
    "가", "이", "은", "는", "을", "를", "의", "와", "과", "도", "로", "으로", "로써",
    "에", "에서", "에게", "에겐", "에선", "엔", "서", "께", "까지", "부터", "만", "보다",
    "처럼", "같이", "이나", "나", "랑", "이랑", "라", "이라", "란", "이란", "측", "쪽",
    "조차", "마저", "뿐", "등", "며", "이며", "고", "이고", "다", "이다", "였", "었",
    "이었", "던", "인", "이자", "표", "발",
)  # fmt: skip
_PARTICLE_RUN = re.compile(
    "(?:" + "|".join(sorted(_PARTICLES, key=len, reverse=True)) + f"){{1,4}}(?!{HANGUL_CLASS})"
)

# [사진: 셔터스톡], (사진=엔비디아), [그래픽=...], [이미지 제공: ...], (Photo: Apple),
# [Image credit: Getty], (Credit: Nvidia). The pattern opens with the bracket so the regex
# engine can skip to brackets.
_BRACKETED_CREDIT = re.compile(
    r"[\[(【〔]\s*(?:"
    r"(?:사진|이미지|그래픽|일러스트|영상|자료|출처)(?:\s*제공)?\s*[:=]"
    r"|(?i:(?:(?:photo|image|illustration|graphic)s?(?:\s+credits?)?|credits?)\s*:)"
    r")[^\])】〕]*[\])】〕]"
)
# A bare credit at the end of a caption: 사진=연합뉴스. The look-behind sits after the
# literal so that the engine can skip to the literal's first character.
_BARE_CREDIT = re.compile(
    "(?:"
    + "|".join(
        f"{word}(?<!{HANGUL_CLASS}.{{{len(word)}}})" for word in ("사진", "이미지", "그래픽")
    )
    + r")(?:\s*제공)?\s*=\s*[^\s\])】〕]+"
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class _Spelling:
    text: str  # NFKC, single-spaced, as written
    case_sensitive: bool
    company_id: int


@dataclass(frozen=True, slots=True)
class Found:
    """A company named in prepared text (see ``prepare``), at [start, end)."""

    start: int
    end: int
    company_id: int


@dataclass(frozen=True, slots=True)
class TopicHit:
    """A topic keyword found in text, at ``start``; ``context_only`` keywords count only for
    a story that is about tech already."""

    start: int
    topic_id: int
    context_only: bool


def topic_ids(hits: Iterable[TopicHit], *, tech_context: bool) -> tuple[int, ...]:
    """The topics of ``hits`` that count, in order of first appearance (as ``find`` gives)."""
    return tuple(dict.fromkeys(h.topic_id for h in hits if tech_context or not h.context_only))


class CompanyRecognizer:
    """Finds companies in text and looks company names up; build it once, reuse it."""

    def __init__(
        self,
        companies: Sequence[Company],
        *,
        rules: CompanyRules | None = None,
        analyser: KoreanAnalyser | None = None,
    ) -> None:
        self._analyser = analyser or shared_analyser()
        rules = rules if rules is not None else bundled_company_rules()
        self._companies = sorted(companies, key=lambda company: normalize(company.name))
        self._by_key: dict[str, Company] = {}
        self._names: list[tuple[str, int]] = []  # (compact normalised spelling, index)
        # Words that, right after a company's name, make it another entity (삼성 라이온즈).
        followers: dict[int, set[str]] = {}
        any_followers = rules.followers("")
        self._rules = rules
        spellings: dict[str, list[_Spelling]] = {}  # by lower-cased spelling
        for index, company in enumerate(self._companies):
            for raw in (company.name, company.english_name, *company.aliases):
                self._by_key.setdefault(normalize(raw), company)
                self._names.append((compact(raw), index))
                followers.setdefault(company.id, set()).update(rules.followers(raw))
                text = _prepare(raw)
                spelling = _Spelling(text, _is_case_sensitive(text), company.id)
                spellings.setdefault(_fold(text), []).append(spelling)
        # Merged with the words for every company once here, not at every hit.
        self._followers = {
            company_id: Followers.of(words | any_followers)
            for company_id, words in followers.items()
        }
        self._any_followers = Followers.of(any_followers)
        self._fuzzy_names = [(jamo(name), index) for name, index in self._names]
        self._names_found = NameAutomaton(spellings.items(), self._analyser, inside_words=False)

    @property
    def analyser(self) -> KoreanAnalyser:
        """The Korean analyser the recognizer reads words with."""
        return self._analyser

    def find(self, text: str) -> tuple[int, ...]:
        """Ids of the companies `text` names, in order of first appearance, each once."""
        return tuple(dict.fromkeys(hit.company_id for hit in self.find_in(prepare(text))))

    def find_in(self, prepared: str) -> list[Found]:
        """Every company named in ``prepare``d text, where it stands, in order."""
        folded = _fold(prepared)
        found: list[Found] = []
        resume_at = 0
        # Occurrences come by start, longest first: the first that fits at a start wins.
        for start, end, spellings in self._names_found.occurrences(folded):
            if start < resume_at or not self._ends_word(prepared, end):
                continue
            for spelling in spellings:
                if _case_fits(spelling, prepared, start) and not self._other_entity(
                    spelling.company_id, folded, end
                ):
                    found.append(Found(start, end, spelling.company_id))
                    resume_at = end
                    break
        return found

    def _ends_word(self, text: str, end: int) -> bool:
        """A Latin name as a whole word; a Korean one before particles, or where the
        analyser says a word ends."""
        if end >= len(text) or not is_hangul(text[end - 1]) or not is_hangul(text[end]):
            return _ends_latin_word(text, end)
        return _PARTICLE_RUN.match(text, end) is not None or self._analyser.ends_word(text, end)

    def _other_entity(self, company_id: int, folded: str, end: int) -> bool:
        """Whether the word after the name makes it another entity: a team (삼성 라이온즈),
        a fruit (Apple pie), a tool named after it (youtube-dl)."""
        following = self._followers.get(company_id, self._any_followers)
        return self._rules.makes_other_entity(folded, end, following)

    def resolve(self, name: str) -> Company | None:
        """The company that `name` spells exactly (any language, any alias), else None. A
        Korean name may carry its particles (마이크로소프트가, 삼성의, 엔비디아는): the
        analyser's stem, or the name without a run of particles, is looked up then."""
        key = normalize(name)
        found = self._by_key.get(key)
        if found is not None or not key or not is_hangul(key[-1]):
            return found
        head, _, last = key.rpartition(" ")
        start = _run_start_of(last)
        stem = last[:start] + self._analyser.stem(last[start:])
        candidates = [stem, *_without_particles(last)]
        for candidate in candidates:
            if candidate != last:
                company = self._by_key.get(f"{head} {candidate}".strip())
                if company is not None:
                    return company
        return None

    def suggest(self, name: str, limit: int = 5) -> tuple[str, ...]:
        """Canonical names of the companies closest to `name`, for "did you mean"."""
        query = compact(name)
        if not query or limit <= 0:
            return ()
        indexes = closest(query, self._names, self._fuzzy_names)
        return tuple(self._companies[index].name for index in indexes[:limit])

    def autocomplete(self, prefix: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[tuple[str, str]]:
        """(label, canonical name) choices, best first: exact, prefix, then substring hits."""
        indexes = ranked(compact(prefix), self._names, len(self._companies))
        choices = [
            (choice_label(company.name, company.english_name), company.name)
            for company in (self._companies[index] for index in indexes)
            if len(company.name) <= CHOICE_TEXT_LIMIT  # Discord rejects longer values
        ]
        return choices[: max(limit, 0)]


class TopicRecognizer:
    """Finds topics by keyword and looks topics up by key or name."""

    def __init__(
        self,
        topics: Sequence[Topic],
        *,
        rules: TopicRules | None = None,
        analyser: KoreanAnalyser | None = None,
    ) -> None:
        self._analyser = analyser or shared_analyser()
        self._rules = rules if rules is not None else bundled_topic_rules()
        self._exclusions = NameAutomaton(
            ((_fold(_prepare(p)), None) for p in self._rules.exclusions),
            self._analyser,
            inside_words=True,
        )
        self._topics = sorted(topics, key=lambda topic: topic.key)
        self._by_key: dict[str, Topic] = {}
        self._names: list[tuple[str, int]] = []
        self._keywords: list[tuple[str, int]] = []
        topic_ids: dict[str, list[int]] = {}  # by lower-cased keyword
        for index, topic in enumerate(self._topics):
            for name in (topic.key, topic.name_en, topic.name_ko):
                self._by_key.setdefault(normalize(name), topic)
                self._names.append((compact(name), index))
            for keyword in topic.keywords:
                self._keywords.append((compact(keyword), index))
                for spelling in _spacings(_fold(_prepare(keyword))):
                    topic_ids.setdefault(spelling, []).append(topic.id)
        self._keywords_found = NameAutomaton(
            (
                (keyword, (ids, _spaced(keyword, self._rules.context_only)))
                for keyword, ids in topic_ids.items()
            ),
            self._analyser,
            inside_words=True,
        )

    def find(self, text: str, *, tech_context: bool = True) -> tuple[int, ...]:
        """Ids of the topics whose keywords occur in `text` as words, in order of first
        appearance. Korean keywords match on morpheme boundaries (보안 in 정보보안 and
        보안업체, not in 국가보안법), Latin ones as whole words, none inside an excluded
        phrase; context keywords (ban, 투자) count only with ``tech_context``."""
        return tuple(dict.fromkeys(topic_id for _, topic_id in self.hits(text, tech_context)))

    def hits(self, text: str, tech_context: bool = True) -> list[tuple[int, int]]:
        """(start, topic id) of every keyword occurrence that counts, in order."""
        return [
            (hit.start, hit.topic_id)
            for hit in self.keyword_hits(text)
            if tech_context or not hit.context_only
        ]

    def keyword_hits(self, text: str) -> list[TopicHit]:
        """Every keyword occurrence outside an excluded phrase, context keywords included and
        marked: one pass serves both ``tech_context`` readings of a text."""
        folded = _fold(_prepare(text))
        excluded = [(start, end) for start, end, _ in self._exclusions.occurrences(folded)]
        found: list[TopicHit] = []
        resume_at = 0
        for start, end, (topic_ids, context_only) in self._keywords_found.occurrences(folded):
            if start < resume_at or not _ends_keyword(folded, end, self._analyser):
                continue
            resume_at = end
            if any(low <= start and end <= high for low, high in excluded):
                continue
            found += [TopicHit(start, topic_id, context_only) for topic_id in topic_ids]
        return found

    def resolve(self, name: str) -> Topic | None:
        """The topic whose key, English name or Korean name is `name`, else None."""
        return self._by_key.get(normalize(name))

    def autocomplete(self, prefix: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[tuple[str, str]]:
        """(label, key) choices: name hits first, then topics that merely list the keyword."""
        query = compact(prefix)
        by_name = ranked(query, self._names, len(self._topics))
        by_keyword = ranked(query, self._keywords, len(self._topics)) if query else []
        choices = [
            (choice_label(topic.name_ko, topic.name_en), topic.key)
            for topic in (self._topics[index] for index in dict.fromkeys(by_name + by_keyword))
            if len(topic.key) <= CHOICE_TEXT_LIMIT  # Discord rejects longer values
        ]
        return choices[: max(limit, 0)]


class KeywordIndex(Generic[V]):
    """Keywords with a value each, found as words the way topic keywords are (Korean on
    morpheme boundaries, Latin as whole words; short capitals such as IT only in capitals):
    the relevance vocabulary uses it."""

    def __init__(
        self, keywords: Iterable[tuple[str, V]], analyser: KoreanAnalyser | None = None
    ) -> None:
        self._analyser = analyser or shared_analyser()
        values: dict[str, tuple[str | None, V]] = {}
        for keyword, value in keywords:
            text = _prepare(keyword)
            exact = text if _is_case_sensitive(text) and text.isupper() else None
            values[_fold(text)] = (exact, value)
        self._names = NameAutomaton(values.items(), self._analyser, inside_words=True)

    def find(self, prepared: str) -> list[tuple[int, int, V]]:
        """(start, end, value) of each keyword in ``prepare``d text, without overlaps."""
        folded = _fold(prepared)
        found: list[tuple[int, int, V]] = []
        resume_at = 0
        for start, end, (exact, value) in self._names.occurrences(folded):
            if start < resume_at or (exact and not prepared.startswith(exact, start)):
                continue
            if _ends_keyword(folded, end, self._analyser):
                found.append((start, end, value))
                resume_at = end
        return found


# --- preparing text -------------------------------------------------------------------------


def prepare(text: str) -> str:
    """Text as the recognizers read it: see ``_prepare``."""
    return _prepare(text)


def _prepare(text: str) -> str:
    """NFKC, with URLs and photo credits blanked and whitespace runs made single spaces."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if "://" in text or "www." in text:
        text = _URL.sub(" ", text)
    if ":" in text or "=" in text:  # every credit has one; most headlines have neither
        text = _BRACKETED_CREDIT.sub(" ", text)
    if "=" in text:
        text = _BARE_CREDIT.sub(" ", text)
    return " ".join(text.split())


def fold(text: str) -> str:
    """Lower-cased without changing the length (see ``_fold``)."""
    return _fold(text)


def _fold(text: str) -> str:
    """Lower-cased without changing the length, so positions in it fit the original."""
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def _case_fits(spelling: _Spelling, prepared: str, start: int) -> bool:
    """Short names need their exact case; a capitalised name needs its capital, because the
    same word in lower case is ordinary English (discord, apple, oracle)."""
    if spelling.case_sensitive:
        return prepared.startswith(spelling.text, start)
    return not spelling.text[0].isupper() or prepared[start].isupper()


def _is_case_sensitive(spelling: str) -> bool:
    return len(spelling) <= _CASE_SENSITIVE_MAX_LEN and spelling.isascii() and spelling.isalnum()


def _ends_latin_word(text: str, end: int) -> bool:
    """False only when a Latin letter or digit on each side of `end` would split a word."""
    return not (0 < end < len(text) and is_ascii_alnum(text[end - 1]) and is_ascii_alnum(text[end]))


def _spacings(keyword: str) -> tuple[str, ...]:
    """A keyword as written and, when a space touches Hangul, written together: Korean spacing
    of compounds varies (데이터 플랫폼, 데이터플랫폼)."""
    joined = re.sub(f"(?<={HANGUL_CLASS}) | (?={HANGUL_CLASS})", "", keyword)
    return (keyword,) if joined == keyword else (keyword, joined)


def _spaced(keyword: str, context_only: frozenset[str]) -> bool:
    """Whether ``keyword`` (perhaps written together) is a context keyword."""
    return any(keyword in _spacings(c) for c in context_only)


def _run_start_of(word: str) -> int:
    """Where the Hangul run that ends ``word`` starts (MS가 → 2)."""
    start = len(word)
    while start > 0 and is_hangul(word[start - 1]):
        start -= 1
    return start


def _without_particles(word: str) -> list[str]:
    """``word`` without a trailing run of particles, each way the run can be read."""
    return [
        word[:cut]
        for cut in range(len(word) - 1, 0, -1)
        if _PARTICLE_RUN.fullmatch(word, cut) is not None
    ]


def particles_follow(text: str, end: int) -> bool:
    """Whether nothing but particles follow ``end`` up to the end of the Korean word."""
    return _PARTICLE_RUN.match(text, end) is not None


def _ends_keyword(text: str, end: int, analyser: KoreanAnalyser) -> bool:
    """Whether a keyword ending at `end` ends a word: Latin as a whole word, Korean where
    the analyser says a word (or the keyword part of a compound) ends."""
    if end >= len(text) or not is_hangul(text[end - 1]) or not is_hangul(text[end]):
        return _ends_latin_word(text, end)
    return analyser.ends_word(text, end)
