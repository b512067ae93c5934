"""Which companies a headline is about (its subjects), and which it only mentions.

"OpenAI's new model runs on Microsoft's Azure" is about OpenAI; Microsoft is a passing
mention, and /company 마이크로소프트 or a Microsoft alert should not list it. The title names
the subjects; a name in the title that comes with a word of relation (runs on, backed by,
-owned, 출신, 기반, 처럼 ...) is a mention, and so is every company named only in the
summary, unless the title names none: then a product in the title stands for its maker
(an iPhone review is about Apple; news/catalog/data/products.tsv), and failing that the
summary's opening sentence may name them. A name that only serves someone else's work is
a mention too: a tool named by its model ("with Nvidia H100"), the platform of an add-on or
a how-to ("a Figma plugin", "Build it in Figma", "macOS shortcuts"), the source of a figure
("according to Gartner"); news.catalog.roles reads those. The cues are grammar of news in
general (English and Korean), not one outlet's phrasing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from news.catalog.recognition import CompanyRecognizer, Found, fold, prepare
from news.catalog.roles import company_is_incidental, is_how_to, product_is_ground
from news.catalog.rules import read_rows
from news.core.models import Company

PRODUCTS_HEADER = ("company", "products")

# Words before a name that make it a mention: "runs on", "backed by", "like", "ex-".
_BEFORE = re.compile(
    r"(?:\b(?:backed|owned|funded|powered|hosted|built|made|developed|trained|founded|"
    r"created|started|used|acquired|bought|run|led|sued|criticised|criticized)\s+by"
    r"|\b(?:runs?|running|ran|built|based|available|hosted|relies|relying|rely|depends|"
    r"depending|trained|works?|working|plays?|exclusive(?:ly)?|launch(?:es|ed)?)\s+on"
    r"|\b(?:using|uses|use|leverag(?:es?|ing|ed)|utili[sz](?:es?|ing|ed)|via|like|unlike|"
    r"than|including|such\s+as|rivals?|rivaling|(?:co-?)?founders?\s+of|"
    r"rivalling|vs\.?|versus|alums?|alumni\s+of|veterans?\s+of|former|ex-|competitors?\s+"
    r"(?:to|of)|against)"
    r")\s*(?:the\s+)?$"
)
# Words after a name that make it a mention: Google-backed, Apple alumni, 구글 출신.
_AFTER = re.compile(
    r"^(?:-(?:backed|owned|funded|powered|based|built|made|style|like|led|rival|era|killer|"
    r"killing|beating|compatible)\b"
    r"|(?:'s|’s)?\s+(?:alums?|alumni|veterans?|rivals?|competitors?|engineers|employees|"
    r"executives?|veterans?)\b"
    r"|(?:의|가|이|와|과)?\s?(?:출신|투자를\s?받|투자\s?받|지원을\s?받|기반|처럼|같은|"
    r"대항마|대항|경쟁사|협력사|대비|보다|에\s?맞서|에\s?이어|을\s?제치|를\s?제치|"
    r"뒤를\s?이|에서\s?일하|에\s?납품|에\s?공급|에\s?저장|에\s?배포|에서\s?실행)"
    # tools used (Korean puts "using" after the name) and people described by employer
    r"|(?:\s?모델)?(?:을|를)\s?(?:사용|활용|이용)"
    r"|\s?(?:\d+년\s?차\s?(?:엔지니어|개발자|직원|임원|연구원)|엔지니어)"
    r"|\s?(?:스타|stars?)\b)"
)
# A product is also only the platform or what an accessory fits: "an app for Mac", "on your
# iPhone", "a Mac client", "iPhone cases".
_PRODUCT_BEFORE = re.compile(
    r"\b(?:for|on|with|into|onto|to|from|in)\s+(?:the\s+|your\s+|an?\s+)?$"
)
_PRODUCT_AFTER = re.compile(
    r"^(?:'s|’s)?\s*(?:apps?|clients?|games?|cases?|accessor(?:y|ies)|chargers?|versions?|"
    r"ports?|emulators?|keyboards?|stands?|docks?|adapters?|mounts?|prox(?:y|ies)|plugins?|"
    r"plug-ins?|extensions?|wrappers?|앱|게임|케이스|액세서리|플러그인|확장|"
    r"충전기|전용)\b"
)
# Only that much text either side is looked at: cues stand next to the name.
_WINDOW = 32
_SENTENCE_END = re.compile(r"[.!?。](?:\s|$)|다\.")
_SUMMARY_SUBJECTS = 2
# A summary's opening: where a sentence runs on (lists, captions), this much of it.
_OPENING_CHARS = 160


class ProductRecognizer:
    """Products that stand for their maker (iPhone → Apple), found like company names."""

    def __init__(self, products: Sequence[tuple[int, tuple[str, ...]]]) -> None:
        self._recognizer = CompanyRecognizer(
            [Company(maker, names[0], names[0], names[1:]) for maker, names in products if names]
        )

    @classmethod
    def bundled(cls, companies: CompanyRecognizer) -> ProductRecognizer:
        """The bundled products of the makers ``companies`` knows."""
        found = [
            (company.id, names)
            for name, names in bundled_products()
            if (company := companies.resolve(name)) is not None
        ]
        return cls(found)

    def find_in(self, prepared: str) -> list[Found]:
        """Products named in ``prepare``d text, each as a hit for its maker."""
        return self._recognizer.find_in(prepared)


@cache
def bundled_products() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(maker's canonical name, product spellings) of news/catalog/data/products.tsv."""
    rows = read_rows("products.tsv", PRODUCTS_HEADER)
    return tuple((maker, tuple(names)) for maker, names in rows)


def subjects_and_mentions(
    companies: CompanyRecognizer,
    title: str,
    summary: str,
    products: ProductRecognizer | None = None,
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(subjects, mentions): ids of the companies the headline is about, and of the others
    it names, each in order of first appearance and never in both."""
    prepared_title = prepare(title)
    analyser = companies.analyser
    company_hits = companies.find_in(prepared_title)
    product_hits = products.find_in(prepared_title) if products is not None else []
    # Most titles name nothing: only those that do are read for how-to grammar.
    how_to = bool(company_hits or product_hits) and is_how_to(prepared_title, analyser)
    subjects = [
        hit.company_id
        for hit in company_hits
        if not _is_mention(prepared_title, hit)
        and not company_is_incidental(prepared_title, hit, analyser, how_to=how_to)
    ]
    if not company_hits:  # a product stands for its maker when the title names no company
        subjects = [
            hit.company_id
            for hit in product_hits
            if not _is_mention(prepared_title, hit)
            and not _is_platform(prepared_title, hit)
            and not product_is_ground(prepared_title, hit, analyser, how_to=how_to)
        ]
    title_hits = company_hits + product_hits
    prepared_summary = prepare(summary[:2000])
    summary_hits = companies.find_in(prepared_summary) if prepared_summary else []
    # The summary speaks only when the title names no company at all, not even in passing.
    if not subjects and not title_hits and summary_hits:
        first = _SENTENCE_END.search(prepared_summary, 0, _OPENING_CHARS)
        limit = first.end() if first else _OPENING_CHARS
        subjects = [
            hit.company_id
            for hit in summary_hits
            if hit.end <= limit
            and not _is_mention(prepared_summary, hit)
            and not company_is_incidental(prepared_summary, hit, analyser, how_to=False)
        ][:_SUMMARY_SUBJECTS]
    chosen = tuple(dict.fromkeys(subjects))
    others = (hit.company_id for hit in (*title_hits, *summary_hits))
    mentions = tuple(dict.fromkeys(c for c in others if c not in chosen))
    return chosen, mentions


def _is_mention(prepared: str, hit: Found) -> bool:
    before = fold(prepared[max(hit.start - _WINDOW, 0) : hit.start])
    after = fold(prepared[hit.end : hit.end + _WINDOW])
    return _BEFORE.search(before) is not None or _AFTER.match(after) is not None


def _is_platform(prepared: str, hit: Found) -> bool:
    before = fold(prepared[max(hit.start - _WINDOW, 0) : hit.start])
    after = fold(prepared[hit.end : hit.end + _WINDOW])
    return _PRODUCT_BEFORE.search(before) is not None or _PRODUCT_AFTER.match(after) is not None
