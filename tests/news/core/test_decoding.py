import pytest

from news.core.decoding import MAX_ARTICLE_BYTES, decode_article, decode_document
from news.core.errors import ImportRejected


def test_utf8_with_byte_order_mark_loses_the_mark() -> None:
    assert decode_article("\ufeffㆍ삼성".encode()) == "ㆍ삼성"


def test_cp949_article_is_decoded() -> None:
    assert decode_article("ㆍ네이버, 신규 서비스".encode("cp949")) == "ㆍ네이버, 신규 서비스"


def test_utf16_with_byte_order_mark_is_decoded() -> None:
    assert decode_article("ㆍ카카오".encode("utf-16")) == "ㆍ카카오"


def test_binary_file_is_rejected_with_a_clear_message() -> None:
    with pytest.raises(ImportRejected, match="not text"):
        decode_article(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_oversized_article_is_rejected() -> None:
    with pytest.raises(ImportRejected, match="5 MB"):
        decode_article(b"a" * (MAX_ARTICLE_BYTES + 1))


def test_windows_1252_without_declaration_keeps_its_quotes() -> None:
    text, problems = decode_document("It’s “fine”".encode("cp1252"))
    assert text == "It’s “fine”"
    assert problems == ["read as cp1252"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark_is_detected(encoding: str) -> None:
    article = "ㆍ카카오, 새 서비스 공개\n- [Nvidia ships a chip](https://n.test/1) 엔비디아\n"

    assert decode_article(article.encode(encoding)) == article
    assert decode_document(article.encode(encoding))[0] == article


def test_binary_with_nul_bytes_is_not_taken_for_utf16() -> None:
    with pytest.raises(ImportRejected, match="not text"):
        decode_article(bytes(range(256)) * 8)
