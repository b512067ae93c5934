"""What a title says beyond its words, for telling one story from another.

- Anchors that do not depend on the language: the people and products it names (one id per
  person or product, news/catalog/entities.py), its amounts and numbers (1억1600만달러 and
  $116 million are one value; 5.3 in GPT-5.3-Codex and GPT-5.3-코덱스), and the kind of event
  it tells (해고 and fired, 출시 and launches).
- Its dates (8월 23일, Aug 23): two reports dated different days are different installments.
- The series it belongs to: a bracketed column name ([오늘의 운세], [인사], 【오늘의 법조】, [AI
  아나운서]) or a header of generic words before a colon (Weekly briefing:, 주간 브리핑 |).
  News tags such as [단독] or (종합) are not series names.
- Its skeleton (the folded title without digits): an outlet running the same skeleton on
  another day runs a recurring column.
- Whether it tells enough to be matched at all: a title of only dates, numbers, emoji, links or
  generic words (today's horoscope, weekly briefing, personnel) is filed but never grouped.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from news.catalog.entities import EntityKind, EntityRecognizer

# Titles are cut to this many characters: no headline needs more, and a feed that puts an
# article in its title must not make reading it slow.
MAX_TITLE = 300

# Column tags outlets put in brackets: [단독], (종합2보), 【속보】, [Exclusive], (Update 2).
_TAG_WORDS = (
    "단독|속보|종합|상보|1보|2보|3보|영상|포토|사진|인터뷰|르포|기획|분석|해설|리뷰|칼럼|사설|"
    "이슈|현장|팩트체크|카드뉴스|이슈분석|기자수첩|exclusive|breaking|update|updated|video|"
    "opinion|analysis|review|live|photos|podcast|interview|sponsored"
)
BRACKETED_TAG = re.compile(
    r"[\[(【〔<《]\s*(?:[^\])】〕>》]{0,4}(?:" + _TAG_WORDS + r")[^\])】〕>》]{0,6})\s*[\])】〕>》]"
)
LEADING_TAG = re.compile(r"^\s*(?:" + _TAG_WORDS + r")\s*[:|-]?\s+")
# A column's name in square or lenticular brackets, anywhere in the title.
_SERIES_BRACKET = re.compile(r"[\[【〔《]\s*([^\]】〕》]{1,40}?)\s*[\]】〕》]")
# A header before a colon, a bar or a dash at the start: ``Weekly briefing: …``.
_HEADER = re.compile(r"^\s*([^:|–—]{2,40}?)\s*[:|–—]\s+")
# An acronym spelled with dots (c.e.o., u.s.) is one word.
_ACRONYM = re.compile(r"(?<![a-z0-9.])(?:[a-z]\.){2,}")
_LINK = re.compile(r"(?:https?://|www\.)\S*")
_TOKEN = re.compile(r"[가-힣]+|[a-z0-9]+")
_DIGITS = re.compile(r"\d+")
_PARTICLE = re.compile(
    r"(?P<stem>[가-힣]+?)(?:에서는|에서|으로|에게|까지|부터|이다|에는|에도|가|이|은|는|을|를|의|와|"
    r"과|도|로|에|만)"
)
# Words that tell no event by themselves: series and schedule words, days and months, and the
# commonest function words of either language.
_GENERIC = frozenset((
    "weekly", "daily", "week", "weeks", "today", "todays", "tonight", "tomorrow", "yesterday",
    "briefing", "briefings", "brief", "roundup", "digest", "newsletter", "news", "headlines",
    "headline", "recap", "edition", "update", "updates", "horoscope", "horoscopes", "weather",
    "forecast", "obituary", "obituaries", "appointments", "personnel", "schedule", "morning",
    "evening", "night", "top", "stories", "story", "links", "podcast", "episode", "ep", "part",
    "vol", "issue", "no", "the", "a", "an", "of", "in", "on", "for", "and", "to", "at", "by",
    "this", "that", "is", "with", "from", "your", "our", "my", "what", "s", "new", "more",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "january", "february", "march", "april",
    "may", "june", "july", "august", "september", "october", "november", "december", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "주간", "오늘", "내일", "어제", "이번주", "금주", "브리핑", "뉴스", "소식", "모음", "정리",
    "운세", "날씨", "인사", "부음", "부고", "동정", "일정", "국회일정", "법조", "헤드라인",
    "월요일",
    "화요일", "수요일", "목요일", "금요일", "토요일", "일요일", "음력", "양력", "회차", "회", "호",
    "제", "외", "등", "년", "월", "일", "및", "또", "더", "주요", "이번", "오전", "오후",
))  # fmt: skip

# Korean units of number words and English multipliers.
_KOREAN_UNITS = {"조": 10**12, "억": 10**8, "만": 10**4, "천": 10**3, "백": 100}
_ENGLISH_UNITS = {
    "trillion": 10**12, "tn": 10**12, "billion": 10**9, "bn": 10**9, "b": 10**9,
    "million": 10**6, "mn": 10**6, "m": 10**6, "thousand": 10**3, "k": 10**3,
}  # fmt: skip
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_KOREAN_AMOUNT = re.compile(rf"(?:{_NUMBER}\s*[조억만천백]+\s*)+(?:{_NUMBER}(?![\d.]))?")
_KOREAN_PART = re.compile(rf"({_NUMBER})\s*([조억만천백]*)")
_ENGLISH_AMOUNT = re.compile(
    rf"({_NUMBER})\s*(trillion|billion|million|thousand|tn|bn|mn|[bmk])(?![a-z])"
)
_PLAIN_NUMBER = re.compile(rf"(?<![a-z0-9.])({_NUMBER})")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_KOREAN_DATE = re.compile(r"(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_ENGLISH_DATE = re.compile(
    rf"\b(?:({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b|(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\b)"
)

# Kinds of event, in both languages: English words as written, Korean stems (a Korean word is
# the stem, the stem with a particle, or the stem made a verb: 해고했지만, 인수한다; 인수위원회
# is not 인수).
_EVENTS: dict[str, tuple[str, ...]] = {
    "fire": ("fire", "fires", "fired", "firing", "oust", "ousts", "ousted", "ouster", "sacks",
             "sacked", "dismisses", "dismissed", "해고", "경질", "축출", "퇴출"),
    "join": ("join", "joins", "joined", "joining", "hire", "hires", "hired", "hiring", "합류",
             "영입"),
    "return": ("return", "returns", "returned", "returning", "reinstated", "reinstates",
               "reinstate", "rehire", "rehires", "rehired", "comeback", "복귀", "복직", "재선임",
               "컴백"),
    "resign": ("resign", "resigns", "resigned", "quit", "quits", "steps", "sign", "사임",
               "사퇴", "퇴사"),
    "acquire": ("acquire", "acquires", "acquired", "acquisition", "buy", "buys", "bought",
                "takeover", "인수", "매입"),
    "merge": ("merge", "merges", "merged", "merger", "합병"),
    "launch": ("launch", "launches", "launched", "release", "releases", "released", "unveil",
               "unveils", "unveiled", "introduces", "introducing", "debut", "debuts", "rolls",
               "출시", "공개", "선보", "출격"),
    "sue": ("sue", "sues", "sued", "lawsuit", "lawsuits", "소송", "고소", "제소"),
    "fine": ("fine", "fined", "fines", "penalty", "과징금", "벌금"),
    "layoff": ("layoff", "layoffs", "감원", "정리해고", "구조조정"),
    "invest": ("invest", "invests", "invested", "investment", "funding", "raises", "raised",
               "투자", "유치"),
    "ban": ("ban", "bans", "banned", "blocks", "blocked", "금지", "차단"),
    "breach": ("hack", "hacked", "hackers", "breach", "leak", "leaked", "해킹", "유출", "침해"),
    "outage": ("outage", "outages", "장애", "먹통"),
    "earnings": ("earnings", "revenue", "profit", "quarterly", "실적", "매출", "영업이익"),
    "vulnerability": ("vulnerability", "vulnerabilities", "flaw", "flaws", "취약점"),
    "partner": ("partner", "partners", "partnership", "deal", "alliance", "teams", "제휴",
                "협력", "파트너십", "동맹"),
    "security": ("security", "cybersecurity", "보안", "사이버보안", "시큐리티"),
}  # fmt: skip
_EVENT_OF = {word: kind for kind, words in _EVENTS.items() for word in words}
# Events a title tells in a phrase rather than a word: "brings X back", 다시 데려와.
_EVENT_PHRASES = (
    (
        re.compile(
            r"\b(?:bring|brings|brought|bringing|welcome|welcomes|welcomed|come|comes|came|"
            r"coming|take|takes|took)\b(?:\s+[^\s,;:|]+){0,4}?\s+back\b"
        ),
        "return",
    ),
    (re.compile(r"다시\s*(?:데려|불러|돌아|영입|합류|선임)"), "return"),
)
# What a title tells as background to its event: an English clause from "after", "since",
# "following", "amid" or "despite" to the end of the clause, and a Korean verb made a clause of
# time (해고된 지, 인수한 뒤, 출시된 이후). "OpenAI brings Altman back days after ouster" tells a
# return, not a firing.
_BACKGROUND = re.compile(
    r"\b(?:after|since|following|amid|despite)\b[^,;:|–—]*"
    r"|[가-힣]+(?:된|한|당한|됐던|했던)\s*(?:지|후|뒤|직후|이후)(?![가-힣])"
)
# A title that compares (a review or a user's verdict) tells no event of its own: it is grouped
# only with another comparison, never with the report of a launch it compares.
_COMPARISON = re.compile(
    r"\b(?:better|worse|faster|slower|cheaper|smarter)\s+than\b|\bwhich\s+(?:one\s+)?should\s+you\b"
    r"|비교|보다\s*(?:낫|나은|좋|뛰어난|빠른)"
)
COMPARISON = "compare"  # the kind of event of a comparison
_VERB_TAIL = re.compile(r"(?:하|한|할|해|했|되|된|될|돼|됐|시키|시켜|시킨)[가-힣]{0,4}")

COMPANY = "\x00"  # prefix of a company's canonical name
ENTITY = "\x01"  # prefix of a person's or product's id
NUMBER = "\x02"  # prefix of a number or an amount
EVENT = "\x03"  # prefix of a kind of event
DATE = "\x04"  # prefix of a month and day


@dataclass(frozen=True, slots=True)
class TitleReading:
    """What grouping needs of a title besides its words."""

    text: str  # folded, without links, outlet name, series name, news tags and names
    anchors: frozenset[str]  # names, numbers and kinds of event, prefixed
    dates: frozenset[str]
    series: str | None  # the column's name, folded
    skeleton: str  # the folded title without digits
    informative: bool  # enough to tell one event from another


def read_title(title: str, outlet: str, entities: EntityRecognizer) -> TitleReading:
    """The title read for grouping; ``outlet`` is the outlet's folded name, or empty."""
    text = unicodedata.normalize("NFKC", title[:MAX_TITLE]).casefold()
    text = _LINK.sub(" ", text)
    text = _ACRONYM.sub(_join_acronym, text)
    if outlet and outlet in text:
        text = text.replace(outlet, " ")  # feeds often append it: ``… - The Verge``
    skeleton = " ".join(_DIGITS.sub("#", text).split())
    text = BRACKETED_TAG.sub(" ", text)
    leading = LEADING_TAG.match(text)  # match, not sub: only the start can hold it
    if leading:
        text = text[leading.end() :]
    series = None
    bracket = _SERIES_BRACKET.search(text)
    if bracket:
        series = " ".join(bracket[1].split())
        text = text[: bracket.start()] + " " + text[bracket.end() :]
    else:
        header = _HEADER.match(text)
        if header and not _content_words(header[1]):
            series = " ".join(header[1].split())
            text = text[header.end() :]
    dates, text_without_dates = _dates(text)
    numbers = _numbers(text_without_dates)
    named, text = entities.split(text)
    events = _events(text)
    anchors = frozenset(
        [(COMPANY if kind is EntityKind.COMPANY else ENTITY) + entity for kind, entity in named]
        + [NUMBER + number for number in numbers]
        + [EVENT + event for event in events]
    )
    words = _content_words(text) + len(named)
    informative = words >= 2 or (words == 1 and bool(numbers))
    return TitleReading(text, anchors, frozenset(dates), series, skeleton, informative)


def _join_acronym(match: re.Match[str]) -> str:
    return match[0].replace(".", "") + " "


def _events(text: str) -> set[str]:
    """The kinds of event the title tells, leaving out what it gives as background."""
    told = _BACKGROUND.sub(" ", text)
    events = {_EVENT_OF[word] for word in map(_event_word, _TOKEN.findall(told)) if word}
    events.update(kind for pattern, kind in _EVENT_PHRASES if pattern.search(told))
    if _COMPARISON.search(text):
        events.add(COMPARISON)
    return events


def _content_words(text: str) -> int:
    """How many words of the text tell something: not generic, not a number alone."""
    count = 0
    for token in _TOKEN.findall(text):
        if token.isdigit() or token in _GENERIC:
            continue
        if "가" <= token[0] <= "힣":
            ending = _PARTICLE.fullmatch(token)
            if ending and ending["stem"] in _GENERIC:
                continue
        elif len(token) < 2:
            continue
        count += 1
    return count


def _event_word(token: str) -> str | None:
    """The word of _EVENTS the token is, if any (Korean: with a particle or a verb ending)."""
    if token in _EVENT_OF:
        return token
    if "가" <= token[0] <= "힣":
        for end in range(len(token) - 1, 1, -1):
            stem = token[:end]
            if stem in _EVENT_OF:
                rest = token[end:]
                if _PARTICLE.fullmatch("가" + rest) or _VERB_TAIL.fullmatch(rest):
                    return stem
                return None
    return None


def _dates(text: str) -> tuple[set[str], str]:
    """The month-day dates in the text, and the text without them."""
    found: set[str] = set()

    def korean(match: re.Match[str]) -> str:
        found.add(f"{DATE}{int(match[1])}-{int(match[2])}")
        return " "

    def english(match: re.Match[str]) -> str:
        month = _MONTHS[match[1] or match[4]]
        found.add(f"{DATE}{month}-{int(match[2] or match[3])}")
        return " "

    text = _KOREAN_DATE.sub(korean, text)
    text = _ENGLISH_DATE.sub(english, text)
    return found, text


def _numbers(text: str) -> set[str]:
    """The amounts and numbers in the text, each as one language-independent value."""
    values: set[float] = set()

    def korean(match: re.Match[str]) -> str:
        total = 0.0
        for number, units in _KOREAN_PART.findall(match[0]):
            value = _float(number)
            for unit in units:
                value *= _KOREAN_UNITS[unit]
            total += value
        values.add(total)
        return " "

    def english(match: re.Match[str]) -> str:
        values.add(_float(match[1]) * _ENGLISH_UNITS[match[2]])
        return " "

    text = _KOREAN_AMOUNT.sub(korean, text)
    text = _ENGLISH_AMOUNT.sub(english, text)
    values.update(_float(number) for number in _PLAIN_NUMBER.findall(text))
    return {f"{value:.4g}" for value in values if not math.isnan(value)}


def _float(number: str) -> float:
    try:
        return float(number.replace(",", ""))
    except ValueError:
        return float("nan")
