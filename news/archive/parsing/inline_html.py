"""HTML written inside Markdown (README-style newsletters) turned into the Markdown it means.

``<a href="…">title</a>`` becomes ``[title](…)`` (a tag split over several lines is joined
first), ``<b>``/``<strong>`` bold, ``<img>`` an image, ``<h2>…</h2>`` a heading, a
``<summary>`` the heading of what it folds; a line that ends in ``<br>`` runs on into the next
(which then reads as the summary of a headline above it). Comments (over several lines too)
and lines of bare tags (``<details>``, ``<p align="center">``) are marked so that the reader
reports them. Runs only on lines holding ``<``; every pattern is linear.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from news.archive.parsing.headlines import split_bullet
from news.archive.parsing.lines import LineHint, SourceLine
from news.archive.parsing.links import clean_link

_ANCHOR = re.compile(r"<a\b(?P<attrs>[^<>]*)>(?P<text>.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))""", re.I)
# An <a> never closed on its line (nor in the lines joined to it): the rest is its text.
_UNCLOSED_ANCHOR = re.compile(r"<a\b(?P<attrs>[^<>]*)>(?P<text>[^<]*)$", re.IGNORECASE)
_IMG = re.compile(r"<img\b(?P<attrs>[^<>]*)/?>", re.IGNORECASE)
_ALT = re.compile(r"""\balt\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))""", re.I)
_BOLD = re.compile(r"</?(?:b|strong)\s*>", re.IGNORECASE)
_HEADING = re.compile(r"<h(?P<level>[1-6])\b[^<>]*>(?P<text>.*?)</h(?P=level)\s*>", re.IGNORECASE)
_SUMMARY = re.compile(r"(?:<details\b[^<>]*>\s*)?<summary\b[^<>]*>(?P<text>.*?)</summary\s*>", re.I)
_ENDS_IN_BREAK = re.compile(r"<br\s*/?>\s*$", re.IGNORECASE)
_OPEN_ANCHOR = re.compile(r"<a\b(?![^<>]*>.*?</a\s*>)", re.IGNORECASE)
_ONLY_TAGS = re.compile(r"(?:\s*</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)+\s*")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_JOIN_MAX = 6  # lines an <a> tag may be split over
_SUMMARY_LEVEL = "###### "  # a folded block sits under whatever section holds it


def rewrite_inline_html(lines: Sequence[SourceLine]) -> list[SourceLine]:
    """The lines with their inline HTML rewritten (numbering kept: joined lines leave blanks)."""
    out: list[SourceLine] = []
    index = 0
    in_comment = False
    carry_break = False  # the line above ended in <br>
    while index < len(lines):
        line = lines[index]
        text = line.text
        index += 1
        if in_comment or (text.startswith("<!--") and "-->" not in text):
            out.append(SourceLine(line.line_no, line.indent, text, LineHint.COMMENT))
            in_comment = not in_comment or "-->" not in text
            continue
        if "<" not in text:
            out.append(_with_break(line, carry_break))
            carry_break = False
            continue
        blanks: list[SourceLine] = []
        while _OPEN_ANCHOR.search(text) and len(blanks) < _JOIN_MAX and index < len(lines):
            text = f"{text} {lines[index].text}"
            blanks.append(SourceLine(lines[index].line_no, 0, ""))
            index += 1
        rewritten, hint = _rewrite(text)
        ends_in_break = hint is None and _ENDS_IN_BREAK.search(rewritten) is not None
        if ends_in_break:
            rewritten = _ENDS_IN_BREAK.sub("", rewritten).rstrip()
        out.append(_with_break(SourceLine(line.line_no, line.indent, rewritten, hint), carry_break))
        out.extend(blanks)
        carry_break = ends_in_break
    return out


def _with_break(line: SourceLine, carry_break: bool) -> SourceLine:
    """After a line ending in <br>, the next runs on, unless it starts an item or a block."""
    text = line.text
    starts_block = text.startswith(("#", "|", "<", ">")) or split_bullet(text) is not None
    if carry_break and text and line.hint is None and not starts_block:
        return SourceLine(line.line_no, line.indent, f"<br>{line.text}")
    return line


def _rewrite(text: str) -> tuple[str, LineHint | None]:
    original = text
    if "<!--" in text:
        text = _COMMENT.sub("", text).strip()
        if not text:
            return original, LineHint.COMMENT
    if (summary := _SUMMARY.search(text)) is not None:
        return _SUMMARY_LEVEL + _plain_tags(summary["text"]), None
    if (heading := _HEADING.fullmatch(text.strip())) is not None:
        return "#" * int(heading["level"]) + " " + _plain_tags(heading["text"]), None
    text = _UNCLOSED_ANCHOR.sub(_anchor, _ANCHOR.sub(_anchor, text))
    text = _IMG.sub(_image, text)
    text = _BOLD.sub("**", text)
    if _ONLY_TAGS.fullmatch(text):
        return original, LineHint.MARKUP
    return text, None


def _attribute(pattern: re.Pattern[str], attrs: str) -> str:
    match = pattern.search(attrs)
    if match is None:
        return ""
    return html.unescape(next((value for value in match.groups() if value is not None), ""))


def _anchor(match: re.Match[str]) -> str:
    href = _attribute(_HREF, match["attrs"]).strip()
    inner = _IMG.sub(_image, match["text"])
    inner = " ".join(_BOLD.sub("**", inner).split())
    if not href or href.startswith(("#", "javascript:")) or not inner:
        return inner
    label = inner.replace("[", "\\[").replace("]", "\\]") if "](" not in inner else inner
    return f"[{label}]({clean_link(href).replace(' ', '%20')})"


def _image(match: re.Match[str]) -> str:
    alt = _attribute(_ALT, match["attrs"]).replace("[", "").replace("]", "")
    src = _attribute(_SRC, match["attrs"]).replace(" ", "%20")
    return f"![{alt}]({src})" if src else ""


def _plain_tags(text: str) -> str:
    return " ".join(re.sub(r"<[^<>]*>", " ", text).split())
