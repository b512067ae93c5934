"""Korean particles chosen by the final sound of the word before them: 엔비디아를 but
삼성을, 구글로 but 삼성으로. The catalogues write ``{name|을}`` (the name, then the particle
that fits it) or ``{name|~을}`` (the particle alone, for a name inside Markdown such as
``**{name}**{name|~을}``).

A Hangul syllable tells its final consonant. Digits and Latin letters are read the Korean
way where that is simple: digits by their Korean names (1 일, 3 삼, 6 육), an acronym by
its last letter's name (IBM 아이비엠, MS 엠에스), a word by a plain ending (-ng, -m, -n, -l
end in a consonant; -a, -o, -i, -er, -s, -t, ... in a vowel). Anything else gets both forms,
as printed forms do: 을(를).
"""

from __future__ import annotations

import re

# The form after a consonant -> the form after a vowel. Either may be written.
_PAIRS = {
    "을": "를",
    "이": "가",
    "은": "는",
    "과": "와",
    "으로": "로",
    "이라는": "라는",
    "이나": "나",
    "이라고": "라고",
}
_BY_EITHER = {**{c: (c, v) for c, v in _PAIRS.items()}, **{v: (c, v) for c, v in _PAIRS.items()}}
_RIEUL = 8  # ㄹ as a final consonant: 으로 takes the vowel form after it (서울로)
_NO_FINAL, _FINAL, _FINAL_RIEUL = 0, 1, 2
# Korean readings of the digits: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGITS: tuple[int, ...] = (_FINAL, _FINAL_RIEUL, _NO_FINAL, _FINAL, _NO_FINAL, _NO_FINAL)
_DIGITS += (_FINAL, _FINAL_RIEUL, _FINAL_RIEUL, _NO_FINAL)
# Korean names of the letters: 엘 엠 엔 알 end in a consonant, the others (에이, 비, 씨, ...) not.
_LETTERS = {"L": _FINAL_RIEUL, "M": _FINAL, "N": _FINAL, "R": _FINAL_RIEUL}
_CONSONANT_ENDINGS: tuple[tuple[str, int], ...] = (("ng", _FINAL), ("m", _FINAL), ("n", _FINAL))
_CONSONANT_ENDINGS += (("l", _FINAL_RIEUL),)
_VOWEL_ENDINGS = ("a", "i", "o", "u", "y", "er", "or", "s", "x", "t", "d", "f", "sh", "ch")
_TRAILING = re.compile(r"[\s\W_]+$")


def final_sound(word: str) -> int | None:
    """0 no final consonant, 1 a final consonant, 2 ㄹ; None when it cannot be told."""
    word = _TRAILING.sub("", word)
    last = word[-1:] or " "
    if "가" <= last <= "힣":
        final = (ord(last) - ord("가")) % 28
        return _NO_FINAL if final == 0 else _FINAL_RIEUL if final == _RIEUL else _FINAL
    if last.isascii() and last.isdigit():
        return _DIGITS[int(last)]
    if not (last.isascii() and last.isalpha()):
        return None
    return _latin_sound(re.search(r"[A-Za-z]+$", word).group(0))  # type: ignore[union-attr]


def _latin_sound(letters: str) -> int | None:
    """An acronym by its last letter's Korean name; a word by a plain ending, else None."""
    if letters.isupper() and len(letters) <= 5:
        return _LETTERS.get(letters[-1], _NO_FINAL)
    lowered = letters.lower()
    for ending, sound in _CONSONANT_ENDINGS:
        if lowered.endswith(ending):
            return sound
    return _NO_FINAL if lowered.endswith(_VOWEL_ENDINGS) else None


def particle(word: str, written: str) -> str:
    """The particle ``written`` (either form) that fits after ``word``."""
    after_consonant, after_vowel = _BY_EITHER[written]
    sound = final_sound(word)
    if sound is None:
        if after_consonant == "으로":
            return "(으)로"
        return (
            f"{after_consonant}({after_vowel})"
            if len(after_vowel) == 1
            else (f"({after_consonant[0]}){after_vowel}")
        )
    if sound == _NO_FINAL or (sound == _FINAL_RIEUL and after_consonant == "으로"):
        return after_vowel
    return after_consonant


def is_particle(written: str) -> bool:
    return written in _BY_EITHER
