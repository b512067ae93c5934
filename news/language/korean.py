"""Korean morphemes, and whether a name or keyword found in Korean text is a word of its own.

The analyser is mecab-ko with mecab-ko-dic (chosen on figures measured on news titles: about
30 MB RSS once loaded and thousands of titles a second on one core, where kiwipiepy took
520 MB and a few hundred titles a second; see bench/analysis.py). mecab-ko splits names it
does not know (마이크 + 로 + 소프트 + 가), so names and keywords are matched on the text first
and only then checked against the morpheme boundaries around them:

- the hit must end where a morpheme ends (애플리케이션 is one morpheme: 애플 ends inside it);
- what follows inside the same run of Hangul must be grammar (particles, endings, 하다 and
  the like) or a generic head noun (업계, 업체, 시장 ...): 보안업체 is about security, but a
  noun that names something else makes a different word (인수 + 위원회 is a committee, not an
  acquisition; 국가보안법 is one morpheme, a law);
- a keyword may also begin inside a compound after a noun (정보 + 보안), a name may not.

Hangul runs are analysed alone (they are what the checks need) and cached, because news
repeats its words: a week of headlines needs few analyses once the cache is warm.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import mecab_ko

from news.core.text import is_hangul

# Runs remembered; the cache is emptied when full (a week of news holds fewer distinct runs).
_CACHE_SIZE = 200_000
# Longer runs are never words that matter and would only fill the cache.
_LONGEST_RUN = 40

# Tags (mecab-ko-dic, Sejong) of what may follow a word inside the same run: particles (J*),
# endings (E*), suffixes (XS*), the copula (VC*), bound nouns (NNB: 등, 측, 중) and verbs and
# auxiliaries (투자 + 받은, 해킹 + 당한).
_GRAMMAR_PREFIXES = ("J", "E", "XS", "VC", "NNB", "VV", "VX", "MAG")
# Nouns that, glued after a keyword, keep the compound about the keyword: 반도체업계,
# 보안업체, 클라우드시장. A noun outside the list names something else (인수위원회).
GENERIC_HEADS = frozenset(
    (
        "업계", "업체", "기업", "시장", "산업", "기술", "분야", "사업", "부문", "관련", "업",
        "사", "주", "용", "팀", "개발", "서비스", "솔루션", "플랫폼", "전략", "투자", "경쟁",
        "생태계", "강화", "확대", "도입", "공급", "수요", "수출", "계약", "협력", "인력",
        "제품", "부족", "규제", "정책", "위기", "사고", "사태", "논란", "우려", "전쟁",
    )
)  # fmt: skip
# Morphemes that carry a word's meaning: common and proper nouns, roots, foreign words.
_CONTENT_NOUNS = ("NNG", "NNP", "NR", "XR", "SL", "SH", "UNKNOWN")
_NOUN_TAGS = ("NNG", "NNP", "NNB", "NR", "SL", "SH", "SN", "XR")


@dataclass(frozen=True, slots=True)
class Morpheme:
    start: int  # offsets inside the analysed run
    end: int
    tag: str  # the first part of speech (mecab-ko-dic joins several with +: XSV+EP)
    surface: str
    lemma: str = ""  # an inflected verb's stem as the dictionary writes it (앞당겼 → 앞당기)


class KoreanAnalyser:
    """mecab-ko over runs of Hangul, cached; safe to share between threads."""

    def __init__(self, cache_size: int = _CACHE_SIZE) -> None:
        self._tagger = mecab_ko.Tagger()
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[Morpheme, ...]] = {}
        self._cache_size = cache_size

    def morphemes(self, run: str) -> tuple[Morpheme, ...]:
        """The morphemes of a run of Hangul (one unknown morpheme when mecab cannot say)."""
        known = self._cache.get(run)
        if known is not None:
            return known
        with self._lock:
            found = self._analyse(run)
        if len(run) <= _LONGEST_RUN:
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[run] = found
        return found

    def _analyse(self, run: str) -> tuple[Morpheme, ...]:
        found: list[Morpheme] = []
        position = 0
        node = self._tagger.parseToNode(run)
        while node is not None:
            surface: str = node.surface
            if surface:
                start = run.find(surface, position)
                if start != position:  # mecab skipped or changed something: trust nothing
                    return (Morpheme(0, len(run), "UNKNOWN", run),)
                position = start + len(surface)
                fields = str(node.feature).split(",")
                tag = fields[0].split("+", 1)[0]
                inflected = len(fields) > 7 and fields[4] == "Inflect"
                lemma = fields[7].split("/", 1)[0] if inflected else surface
                found.append(Morpheme(start, position, tag, surface, lemma))
            node = node.next
        if position != len(run):
            return (Morpheme(0, len(run), "UNKNOWN", run),)
        return tuple(found)

    # --- the checks ----------------------------------------------------------------------

    def ends_word(self, text: str, end: int) -> bool:
        """Whether a hit ending at ``end`` (Hangul on both sides) ends a word: at a morpheme
        end, followed in its run by grammar or by a generic head noun and then grammar."""
        start = _run_start(text, end - 1)
        stop = _run_end(text, end)
        morphemes = self.morphemes(text[start:stop])
        cut = end - start
        after = [m for m in morphemes if m.start >= cut]
        if not any(m.end == cut for m in morphemes) or not after:
            return False
        first, *rest = after
        if _is_grammar(first.tag):
            return True
        return first.surface in GENERIC_HEADS and all(_is_grammar(m.tag) for m in rest)

    def stem(self, word: str) -> str:
        """A Korean word without the particles and endings after its noun: 마이크로소프트가
        → 마이크로소프트, 엔비디아는 → 엔비디아, 삼성의 → 삼성; the word itself when nothing
        follows a noun (고양이, 민주주의) or the noun would be a single syllable."""
        if len(word) < 3 or not all(is_hangul(ch) for ch in word):
            return word
        morphemes = self.morphemes(word)
        cut = len(word)
        for morpheme in reversed(morphemes):
            if not _is_grammar(morpheme.tag) or morpheme.tag.startswith(("VV", "VX", "MAG")):
                break
            cut = morpheme.start
        if 2 <= cut < len(word) and morphemes[0].tag.startswith(_NOUN_TAGS):
            return word[:cut]
        for particle in _FALLBACK_PARTICLES:
            stem = word[: -len(particle)]
            if word.endswith(particle) and len(stem) >= 2 and self._is_one_noun(stem):
                return stem
        return word

    def content_words(self, word: str) -> tuple[str, ...]:
        """The nouns and the stems of the verbs and adjectives of a Korean word, in order:
        삼성전자가 → 삼성전자, 앞당겼다 → 앞당기, 지방교육재정교부금 → 지방 교육 재정 교부금.
        Grammar, bound nouns and one-syllable verb stems (밀, 하) are left out."""
        words: list[str] = []
        for morpheme in self.morphemes(word):
            if morpheme.tag.startswith(_CONTENT_NOUNS):
                words.append(morpheme.surface)
            elif morpheme.tag.startswith(("VV", "VA")) and len(morpheme.lemma) > 1:
                words.append(morpheme.lemma)
        return tuple(words)

    def _is_one_noun(self, text: str) -> bool:
        morphemes = self.morphemes(text)
        return len(morphemes) == 1 and morphemes[0].tag.startswith(("NNG", "NNP"))

    def starts_word(self, text: str, start: int) -> bool:
        """Whether a keyword starting at ``start`` (Hangul on both sides) begins a word of
        its own inside a compound: at a morpheme start, after a noun (정보 + 보안)."""
        run_start = _run_start(text, start)
        stop = _run_end(text, start)
        morphemes = self.morphemes(text[run_start:stop])
        cut = start - run_start
        before = [m for m in morphemes if m.end == cut]
        return bool(before) and before[-1].tag.startswith(_NOUN_TAGS)


# Particles that may be cut off a word the analyser misreads (삼성의 read as 삼 + 성의),
# when what stays is a noun of its own: the common case particles, never ones that also end
# ordinary nouns (이 of 고양이, 인 of 한국인, 서 of 보고서).
_FALLBACK_PARTICLES = (
    "에서", "에게", "으로", "부터", "까지", "보다", "처럼", "이랑",
    "가", "은", "는", "을", "를", "의", "와", "과", "에", "로", "도", "랑",
)  # fmt: skip


def _is_grammar(tag: str) -> bool:
    return tag.startswith(_GRAMMAR_PREFIXES)


def _run_start(text: str, index: int) -> int:
    while index > 0 and is_hangul(text[index - 1]):
        index -= 1
    return index


def _run_end(text: str, index: int) -> int:
    while index < len(text) and is_hangul(text[index]):
        index += 1
    return index


_shared: KoreanAnalyser | None = None
_shared_lock = threading.Lock()


def shared_analyser() -> KoreanAnalyser:
    """The process's analyser, loaded on first use (the dictionary is mapped once)."""
    global _shared  # noqa: PLW0603 - one tagger per process: it maps a 100 MB dictionary
    with _shared_lock:
        if _shared is None:
            _shared = KoreanAnalyser()
        return _shared
