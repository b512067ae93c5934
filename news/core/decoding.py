"""Turning bytes into text, whatever encoding the author's editor or the web server used: the
one decoder, for uploaded articles (decode_article: strict, a file that is not text is refused)
and for fetched feeds and pages (decode_document: lenient, notes what it had to guess).

UTF-16 without a byte-order mark is recognised by its NUL bytes and what it reads as
(utf16_without_bom). decode_document: a byte-order mark wins; then the charset of the HTTP
``Content-Type``, then the XML declaration, each only if the bytes really decode with it
(servers and templates often lie); then UTF-8; then CP949 when that reads as Korean (old
Korean sites omit the declaration); then Windows-1252. EUC-KR is read as CP949, its superset.
"""

from __future__ import annotations

import codecs
import re

from news.core.errors import ImportRejected

# UTF-8 first (with or without BOM); Korean sites still publish in CP949, a superset of EUC-KR.
_ENCODINGS = ("utf-8-sig", "utf-16", "cp949")
MAX_ARTICLE_BYTES = 5 * 1024 * 1024


def decode_article(data: bytes) -> str:
    """Text of an uploaded article; ImportRejected for binaries and oversized files."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise ImportRejected("import.too_large")
    if (utf16 := utf16_without_bom(data)) is not None:
        return utf16
    for encoding in _candidate_encodings(data):
        text = _strict(data, encoding)
        if text is not None and "\x00" not in text:
            return text
    raise ImportRejected("import.not_text")


# What text in UTF-16 is made of: ASCII, Latin, punctuation and symbols, Hangul, full-width
# forms. Bytes of another encoding read as UTF-16 give mostly CJK ideographs or private use.
_PLAUSIBLE = re.compile(
    "[\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u2190-\u25ff\u3000-\u303f"
    "\u3130-\u318f\uac00-\ud7a3\uff00-\uffef]"
)
_UTF16_SAMPLE = 1 << 16  # bytes whose characters are judged
_UTF16_PLAUSIBLE_SHARE = 0.9


def utf16_without_bom(data: bytes) -> str | None:
    """The text of UTF-16 (little- or big-endian) without its byte-order mark, or None.

    Only bytes with a NUL can be UTF-16 text (a space or a newline is one) and never UTF-8 or
    CP949 text; of the two byte orders, the one that decodes and reads as text wins."""
    if b"\x00" not in data or len(data) % 2:
        return None
    best: tuple[int, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        sample = _strict(data[:_UTF16_SAMPLE], encoding)
        if not sample or "\x00" in sample:
            continue
        plausible = len(_PLAUSIBLE.findall(sample))
        if plausible < _UTF16_PLAUSIBLE_SHARE * len(sample) or (best and best[0] >= plausible):
            continue
        if (text := _strict(data, encoding)) is not None and "\x00" not in text:
            best = (plausible, text)
    return best[1] if best else None


def _candidate_encodings(data: bytes) -> tuple[str, ...]:
    # UTF-16 without its byte-order mark is read by utf16_without_bom; here only with it.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ("utf-16",)
    return tuple(e for e in _ENCODINGS if e != "utf-16")


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_XML_CHARSET = re.compile(rb"<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
# Declared names read as the superset that browsers use, so more real documents decode.
_SUPERSETS = {
    "euc_kr": "cp949",
    "ascii": "utf-8",
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}
_HANGUL_SYLLABLE = re.compile("[\uac00-\ud7a3]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def decode_document(data: bytes, content_type: str | None = None) -> tuple[str, list[str]]:
    """The text of a feed or page, and notes on what the declarations got wrong."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_or_replace(data, encoding)
    if data.startswith(b"<\x00") or data.startswith(b"\x00<"):  # UTF-16 without its mark
        return _decode_or_replace(data, "utf-16-le" if data[0] == ord("<") else "utf-16-be")
    if (utf16 := utf16_without_bom(data)) is not None:
        return utf16, ["read as UTF-16 without a byte-order mark"]
    problems: list[str] = []
    for declared in _declared_charsets(data, content_type):
        codec = _codec_name(declared)
        if codec is None:
            problems.append(f"unknown encoding {declared!r} declared")
        elif codec.startswith(("utf_16", "utf_32")):
            continue  # a transcoded document often keeps the UTF-16 declaration of its source
        elif (text := _strict(data, codec)) is not None:
            return text, problems
        else:
            problems.append(f"the bytes are not valid {declared}")
    text, guessed = _undeclared(data)
    if problems or guessed != "utf-8":
        problems.append(f"read as {guessed}")
    return text, problems


def _declared_charsets(data: bytes, content_type: str | None) -> list[str]:
    declared: list[str] = []
    if content_type and (match := _HTTP_CHARSET.search(content_type)):
        declared.append(match.group(1))
    if match_xml := _XML_CHARSET.search(data, 0, 1024):
        declared.append(match_xml.group(1).decode("ascii"))
    return list(dict.fromkeys(name.lower() for name in declared))


def _codec_name(declared: str) -> str | None:
    try:
        name = codecs.lookup(declared).name.replace("-", "_")
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _undeclared(data: bytes) -> tuple[str, str]:
    if (text := _strict(data, "utf-8")) is not None:
        return text, "utf-8"
    if (text := _strict(data, "cp949")) is not None and _reads_as_korean(text):
        return text, "cp949"
    return data.decode("cp1252", errors="replace"), "cp1252"


def _reads_as_korean(text: str) -> bool:
    """CP949 decodes many Western byte pairs as rare Hanja; real Korean is mostly Hangul."""
    hangul = len(_HANGUL_SYLLABLE.findall(text))
    return hangul > 0 and hangul * 2 >= len(_NON_ASCII.findall(text))


def _decode_or_replace(data: bytes, encoding: str) -> tuple[str, list[str]]:
    if (text := _strict(data, encoding)) is not None:
        return text.lstrip("\ufeff"), []
    text = data.decode(encoding, errors="replace").lstrip("\ufeff")
    return text, [f"invalid {encoding} bytes replaced"]
