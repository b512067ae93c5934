"""Turning uploaded bytes into article text, whatever encoding the author's editor used."""

from __future__ import annotations

from news.core.errors import ImportRejected

# UTF-8 first (with or without BOM); Korean sites still publish in CP949, a superset of EUC-KR.
_ENCODINGS = ("utf-8-sig", "utf-16", "cp949")
MAX_ARTICLE_BYTES = 5 * 1024 * 1024


def decode_article(data: bytes) -> str:
    """Text of an uploaded article; ImportRejected for binaries and oversized files."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise ImportRejected("import.too_large")
    for encoding in _candidate_encodings(data):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise ImportRejected("import.not_text")


def _candidate_encodings(data: bytes) -> tuple[str, ...]:
    # UTF-16 is only plausible with its byte-order mark; without one it decodes anything.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ("utf-16",)
    return tuple(e for e in _ENCODINGS if e != "utf-16")
