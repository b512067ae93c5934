"""Properties of parse_roundup: it only ever rejects, and it never loses a column headline."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from news.archive.parser import parse_roundup
from news.core.errors import ImportRejected

FAST = settings(max_examples=200, deadline=None)

# --- Anything at all ----------------------------------------------------------------------

# Characters that mean something to one of the layouts, so random text reaches every rule.
_SIGNIFICANT = [
    *"[]()!*_`#-+|:=<>/\\.ㆍ·•📰©ⓒ\u00a0\u200b\ufeff\t\r",
    "https://",
    "](",
    "```",
    "---",
    "<br>",
    "<p>",
    "</li>",
    "<![",
    "<!--",
    "cdata[",
    "[사진: ",
    "저작권자 © ",
    " 무단전재 및 재배포 금지",
    "[매체 기자 기자] ",
]
_MARKUP_TEXT = st.lists(
    st.one_of(st.sampled_from(_SIGNIFICANT), st.text(max_size=6), st.just("\n")), max_size=120
).map("".join)
_FILENAMES = st.sampled_from([None, "week.txt", "week.md", "week.html", "WEEK.HTM", "noext"])


def _parse_or_reject(text: str, filename: str | None) -> None:
    try:
        parse_roundup(text, filename=filename)
    except ImportRejected as rejected:
        assert str(rejected)


@FAST
@given(text=st.text(max_size=3000), filename=_FILENAMES)
def test_any_unicode_text_is_parsed_or_rejected(text: str, filename: str | None) -> None:
    _parse_or_reject(text, filename)


@FAST
@given(text=_MARKUP_TEXT, filename=_FILENAMES)
def test_any_markup_soup_is_parsed_or_rejected(text: str, filename: str | None) -> None:
    _parse_or_reject(text, filename)


@FAST
@given(text=st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=2000))
def test_control_characters_are_parsed_or_rejected(text: str) -> None:
    _parse_or_reject(text, None)


@pytest.mark.parametrize(
    "line",
    [
        "[" * 200_000,
        "](" * 100_000,
        "[a](" * 50_000,
        "![" * 100_000,
        "*_" * 100_000,
        "ㆍ" + "가" * 300_000,
        "- " + "https://a.example/" + ")" * 100_000,
        "# " + "# " * 100_000,
        "(서울=" * 50_000,
    ],
)
def test_huge_pathological_lines_are_read_in_linear_time(line: str) -> None:
    _parse_or_reject(line, None)


# --- Korean columns never lose a headline -------------------------------------------------

# Syllables that cannot spell a caption credit, a byline or a footer by accident.
_SYLLABLES = "가나다라마바아자차카타파하고도로모보소오조초코토포호"
_WORDS = st.text(alphabet=_SYLLABLES, min_size=1, max_size=4)
_HANGUL = "삼성엔비디아구글한빛새칩공개발표투자반도체클라우드서버전력계약대표말"
_TITLE_ALPHABET = _HANGUL + "ABCXYZabcxyz0123456789“”‘’\"'.,-%·&!?()… "
_INDENTS = ["", " ", "\u00a0", "\u00a0 ", "  ", "\u3000", "\u2002", "\ufeff", "\u200b\u00a0"]
_PADDINGS = ["", " ", "\u00a0", "  "]
_TITLES = st.builds(
    "".join, st.tuples(st.sampled_from(_HANGUL), st.text(alphabet=_TITLE_ALPHABET, max_size=30))
)


@dataclass(frozen=True)
class _Column:
    text: str
    titles: list[list[str]]  # per section, as the parser must return them


@st.composite
def _columns(draw: st.DrawFn) -> _Column:
    # Indentation and blank lines come from one seeded Random: drawing each of them from
    # Hypothesis would make generation, not parsing, the slow part of this file.
    layout = draw(st.randoms(use_true_random=False))
    section_count = draw(st.integers(min_value=1, max_value=5))
    headlines_first = draw(st.booleans())
    lines: list[str] = []
    expected: list[list[str]] = []
    for section in range(section_count):
        paragraphs = 0 if section == 0 and headlines_first else draw(st.integers(1, 3))
        for number in range(paragraphs):
            words = draw(st.text(alphabet=_SYLLABLES + " ", min_size=1, max_size=40))
            lines.append(f"{section}-{number}번째 단락 {words}다.")
        titles = draw(st.lists(_TITLES, min_size=1, max_size=5))
        for title in titles:
            indent, before, after = (layout.choice(_INDENTS), *layout.choices(_PADDINGS, k=2))
            lines.append(f"{indent}ㆍ{before}{title}{after}")
        expected.append([" ".join(title.split()) for title in titles])
    lines = _with_byline(draw, lines)
    lines = _with_captions(draw, lines)
    lines.append("저작권자 © 테크위클리 (TechWeekly) 무단전재 및 재배포 금지")
    text = "\n".join(line + "\n" * layout.randint(0, 2) for line in lines)
    return _Column(text=text, titles=expected)


def _with_byline(draw: st.DrawFn, lines: list[str]) -> list[str]:
    paragraphs = [index for index, line in enumerate(lines) if "단락" in line]
    if not paragraphs or not draw(st.booleans()):
        return lines
    lines = list(lines)
    lines[paragraphs[0]] = f"[테크위클리 김하늘 기자] {lines[paragraphs[0]]}"
    return lines


def _with_captions(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """Insert captions between any two lines: credited ones, and uncredited ones written twice."""
    units = [[line] for line in lines]
    for number in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, len(units)))
        words = draw(_WORDS)
        if draw(st.booleans()):
            units.insert(position, [f"캡션{number} {words} [사진: 셔터스톡]"])
        else:
            units.insert(position, [f"캡션{number} {words}"] * 2)
    return [line for unit in units for line in unit]


@FAST
@given(column=_columns())
def test_every_column_headline_is_kept_in_order_in_its_section(column: _Column) -> None:
    roundup = parse_roundup(column.text)
    parsed = [[headline.title for headline in section.headlines] for section in roundup.sections]
    assert parsed == column.titles


@FAST
@given(column=_columns())
def test_column_captions_and_footer_never_become_text(column: _Column) -> None:
    roundup = parse_roundup(column.text)
    paragraphs = [paragraph for section in roundup.sections for paragraph in section.paragraphs]
    assert not any("캡션" in paragraph or "저작권자" in paragraph for paragraph in paragraphs)
    assert roundup.copyright == "테크위클리 (TechWeekly)"
