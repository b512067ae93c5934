import re

from news.core.text import HANGUL_CLASS, Cut, detect_language, is_hangul, normalize, truncate


def test_normalize_folds_width_case_and_whitespace() -> None:
    assert normalize("  ＭＳ\u3000 Azure\n") == "ms azure"


def test_normalize_keeps_hangul() -> None:
    assert normalize("마이크로소프트") == "마이크로소프트"


def test_normalize_composes_decomposed_hangul() -> None:
    decomposed = "\u1106\u1175\u1109\u1173"  # 미스 written as conjoining jamo
    assert normalize(decomposed) == "미스"


def test_is_hangul_accepts_syllables_and_jamo() -> None:
    assert all(is_hangul(ch) for ch in ("가", "힣", "ㄱ", "ㅏ", "\u1100"))


def test_is_hangul_rejects_latin_hanja_and_punctuation() -> None:
    assert not any(is_hangul(ch) for ch in ("a", "Z", "7", "美", "·", " "))


def test_is_hangul_rejects_anything_but_one_character() -> None:
    assert not is_hangul("")
    assert not is_hangul("가나")


def test_hangul_class_matches_what_is_hangul_accepts() -> None:
    pattern = re.compile(HANGUL_CLASS)
    for ch in ("가", "ㅎ", "\u1100", "a", "美"):
        assert bool(pattern.fullmatch(ch)) == is_hangul(ch)


def test_detect_language_korean_headline_full_of_latin_names() -> None:
    assert detect_language("OpenAI, GPT 신모델 공개…MS·NVIDIA와 협력") == "ko"


def test_detect_language_short_korean_verb_after_latin_name() -> None:
    assert detect_language("OpenAI, GPT-5 출시") == "ko"


def test_detect_language_english_headline() -> None:
    assert detect_language("Nvidia unveils its next GPU at Computex") == "en"


def test_detect_language_english_quoting_one_korean_word() -> None:
    assert detect_language("Samsung unveils the 갤럭시 brand refresh in Seoul today") == "en"


def test_detect_language_without_letters_is_english() -> None:
    assert detect_language("2026 — 42%") == "en"


def test_text_within_the_limit_is_kept_whole() -> None:
    assert truncate("Short and sweet.", 600, at=Cut.SENTENCE) == "Short and sweet."


def test_character_cut_keeps_the_limit_with_the_ellipsis() -> None:
    assert truncate("abcdefgh", 5) == "abcd…"


def test_sentence_cut_without_a_sentence_end_is_cut_at_a_word() -> None:
    assert truncate("one two three four five six", 16, at=Cut.SENTENCE) == "one two three…"


def test_a_full_stop_inside_a_number_is_no_sentence_end() -> None:
    text = "Revenue grew 3.5 percent this quarter"
    assert truncate(text, 16, at=Cut.SENTENCE) == "Revenue grew…"


def test_word_cut_keeps_a_word_that_ends_at_the_limit() -> None:
    assert truncate("one two three", 8, at=Cut.WORD) == "one two…"
