"""Companies and products a headline names as the tool or the ground of someone else's work.

news.catalog.subjects asks these beside its own cues (runs on, backed by, 출신): each says
that a name stands in a part of the sentence that is not what the story is about.

- A tool named by its model: "Faster inference with Nvidia H100", "using OpenAI GPT-4o",
  "화웨이 어센드로 학습한 모델". The company before a product designation after with, using,
  via, on (or, in Korean, before the instrumental 으로/로 or 을/를 사용·활용·이용) is the kit
  the work used, unless the words before make it a party ("partners with", "hands-on with").
- An add-on for a company's product: "a Figma plugin", "a Notion alternative", "an Ollama MCP
  server", "노션 연동", "피그마용 플러그인".
- A product as the ground of a how-to or of someone's own use: "macOS shortcuts", "맥 개발
  환경 설정", "after every ChatGPT session", "on my iPhone".
- A how-to title ("How to …", an imperative "Build …", a Korean "… 만들기" or "… 하는 방법")
  teaches someone to do something: its products are the ground, and so is a company after a
  preposition (in Figma, with Slack) or before a locative or instrumental particle (피그마에서).
- The source of a figure: "according to Gartner", "IDC에 따르면", "카운터포인트 조사에
  따르면": the analyst who counted is not the story.

Korean words are read with the morphological analyser (news.language.korean): a nominalised
verb (만들 + 기) ends a how-to title where a noun that ends in 기 (전기, 무기) does not, and
the nouns of the next word (개발 + 환경) say what a product is named for. The cues are the
grammar of news in general, in English and Korean, not one outlet's phrasing.
"""

from __future__ import annotations

import re

from news.catalog.recognition import Found, fold
from news.core.text import HANGUL_CLASS
from news.language.korean import KoreanAnalyser

# Only that much text either side is looked at: cues stand next to the name.
_WINDOW = 40

# --- a tool named by its model --------------------------------------------------------------

_TOOL_PREPOSITION = re.compile(r"\b(?:with|using|via|on|atop|through)\s+(?:the\s+|an?\s+)?$")
# Words before the preposition that make the company a party, not a tool: a deal, a fight, a
# review ("hands-on with the Pixel 9" is about Google).
_PARTY_BEFORE = re.compile(
    r"\b(?:partner\w*|team(?:s|ed|ing)?\s+up|deals?|pacts?|agreements?|talks|tie-?ups?|ties\s+up|"
    r"sign(?:s|ed|ing)?|merg\w+|collaborat\w+|forces|compet\w+|clash\w*|feuds?|fights?|"
    r"battles?|spats?|wars?|settle\w*|negotiat\w+|hands[- ]on|(?:first|closer|quick)\s+look|"
    r"living|(?:a|one|two|three)\s+(?:days?|weeks?|months?|years?))"
    r"\s+(?:with|on|against)\s+(?:the\s+|an?\s+)?$"
)
# A model designation right after the name: a word with a digit (H100, GPT-4o, M3). A plain
# word is not one: title case writes "with Anthropic Models" for a deal, and "on Google TPUs"
# may be Google's own work.
_DESIGNATION = re.compile(r"^(?:'s|’s)?\s[A-Za-z]*\d[\w.+-]*")
# Korean: the name, perhaps 의, a Latin designation or two (perhaps 모델), then the
# instrumental or "using". Hangul words in between are not designations: 스페이스X·xAI 합병으로
# is a merger of the two.
_KOREAN_TOOL = re.compile(
    r"^(?P<of>의)?(?:\s[A-Za-z0-9][\w.+-]*){1,2}(?:\s?모델)?\s?"
    f"(?:(?:을|를)\\s?(?:사용|활용|이용|써서|써)|(?:으로|로)(?!{HANGUL_CLASS}))"
)
# What may stand before the name in a Korean title and still leave it the actor: a tag.
_LEADING_TAG = re.compile(r"^(?:\s*[\[(【〔][^\])】〕]*[\])】〕])*\s*$")

# --- the source of a figure -----------------------------------------------------------------

_SOURCE_BEFORE = re.compile(r"\baccording\s+to\s+(?:the\s+)?$")
_KOREAN_SOURCE_AFTER = re.compile(
    r"^(?:의)?(?:\s?(?:조사|보고서|리포트|자료|집계|분석|통계|데이터))?(?:에|를)\s?(?:따르면|인용|보면)"
)

# --- an add-on for a company's product ------------------------------------------------------

_ADD_ON_AFTER = re.compile(
    r"^\s(?:mcp\s+servers?|plug-?ins?|extensions?|wrappers?|bindings|connectors?|"
    r"integrations?|alternatives?|clones?)\b"
)
_KOREAN_ADD_ON_NOUNS = frozenset(("플러그인", "확장", "대안", "클론", "연동", "래퍼", "커넥터"))
# 피그마용 플러그인: "for" glued to the name.
_FOR_SUFFIX = "용"

# --- a product as the ground of a how-to or of someone's use ----------------------------------

_GROUND_AFTER = re.compile(
    r"^(?:'s|’s)?\s(?:tips|tricks|hacks|shortcuts|keyboard\s+shortcuts|setups?|guides?|"
    r"tutorials?|cheat\s?sheets?|sessions?|workflows?|dotfiles|configs?|configuration)\b"
)
_GROUND_BEFORE = re.compile(r"\b(?:my|your|our|every|each)\s+$")
_KOREAN_GROUND_NOUNS = frozenset(
    (
        "단축키", "팁", "꿀팁", "설정", "세팅", "환경", "사용법", "활용법", "가이드",
        "튜토리얼", "워크플로", "워크플로우", "세션",
    )
)  # fmt: skip

# --- how-to titles --------------------------------------------------------------------------

_HOW_TO_OPENING = re.compile(
    r"^(?:how\s+(?:to|i)\b|(?:a\s+)?(?:beginner'?s\s+|step-by-step\s+|quick\s+)?"
    r"(?:guide|tutorial|walkthrough)\s+(?:to|for|on)\b|(?:tutorial|guide|how-?to)\s*:)",
    re.IGNORECASE,
)
# Verbs that open an instruction ("Build it in Figma", "Run Llama on your Mac"); a digit or a
# colon after one makes it a name instead ("Build 2024", "Run:ai").
_IMPERATIVES = frozenset(
    (
        "build", "create", "make", "turn", "run", "use", "deploy", "automate", "convert",
        "install", "learn", "write", "self-host", "train", "fine-tune", "add", "connect",
        "integrate", "generate", "migrate", "try", "customize", "customise", "supercharge",
    )
)  # fmt: skip
_OPENING_WORD = re.compile(r"^([A-Z][a-z]+(?:-[a-z]+)?) (?![0-9])(?=[A-Za-z])")
_HOW_TO_PREPOSITION = re.compile(
    r"\b(?:in|inside|with|on|using|into|for|via|through|to|from|at)\s+(?:the\s+|your\s+|an?\s+)?$"
)
# Korean how-to: a title that ends in a noun of instruction (방법, 사용법, 가이드) or in a
# verb made a noun (만들 + 기, 설정 + 하 + 기).
_KOREAN_HOW_TO_NOUNS = frozenset(
    ("방법", "법", "사용법", "활용법", "가이드", "튜토리얼", "노하우", "입문", "따라하기")
)
_KOREAN_PLACE_PARTICLE = re.compile(f"^(?:에서|으로|로|에)(?!{HANGUL_CLASS})")
_HANGUL_RUN = re.compile(f"{HANGUL_CLASS}+")
_NOMINALISED_VERB_TAGS = ("VV", "XSV", "VX")


def is_how_to(prepared_title: str, analyser: KoreanAnalyser) -> bool:
    """Whether a title teaches how to do something: "How to …", "Guide to …", an opening
    imperative ("Build …"), or a Korean title ending in 방법/가이드 or a verb made a noun."""
    if _HOW_TO_OPENING.match(prepared_title):
        return True
    opening = _OPENING_WORD.match(prepared_title)
    if opening and opening.group(1).lower() in _IMPERATIVES:
        return True
    runs = _HANGUL_RUN.findall(prepared_title)
    return bool(runs) and _ends_korean_instruction(runs[-1], analyser)


def _ends_korean_instruction(run: str, analyser: KoreanAnalyser) -> bool:
    morphemes = list(analyser.morphemes(run))
    while len(morphemes) > 1 and morphemes[-1].tag.startswith("J"):  # 방법은, 만들기로
        morphemes.pop()
    last = morphemes[-1]
    if last.tag.startswith("ETN") and last.surface == "기" and len(morphemes) > 1:
        return morphemes[-2].tag.startswith(_NOMINALISED_VERB_TAGS)
    nouns = [m.surface for m in morphemes if m.tag.startswith(("NNG", "NNP"))]
    return bool(nouns) and nouns[-1] in _KOREAN_HOW_TO_NOUNS and last.tag.startswith("NN")


def company_is_incidental(
    prepared: str, hit: Found, analyser: KoreanAnalyser, *, how_to: bool
) -> bool:
    """Whether a company named at ``hit`` only serves the story: a tool named by its model
    after with/using/via, the maker of what an add-on is for, the source of a figure, or the
    ground of a how-to."""
    before = fold(prepared[max(hit.start - _WINDOW, 0) : hit.start])
    after = prepared[hit.end : hit.end + _WINDOW]
    if _is_tool_by_model(prepared, hit, before, after) or _is_add_on(after, analyser):
        return True
    if _SOURCE_BEFORE.search(before) or _KOREAN_SOURCE_AFTER.match(after):
        return True
    return how_to and (
        _HOW_TO_PREPOSITION.search(before) is not None
        or _KOREAN_PLACE_PARTICLE.match(after) is not None
    )


def product_is_ground(prepared: str, hit: Found, analyser: KoreanAnalyser, *, how_to: bool) -> bool:
    """Whether a product named at ``hit`` is the ground of someone's use rather than news of
    its maker: in a how-to, one's own device or session, or what tips and setups are for."""
    if how_to:
        return True
    before = fold(prepared[max(hit.start - _WINDOW, 0) : hit.start])
    after = fold(prepared[hit.end : hit.end + _WINDOW])
    if _GROUND_BEFORE.search(before) or _GROUND_AFTER.match(after):
        return True
    return bool(_KOREAN_GROUND_NOUNS.intersection(_next_korean_nouns(after, analyser)))


def _is_tool_by_model(prepared: str, hit: Found, before: str, after: str) -> bool:
    if _TOOL_PREPOSITION.search(before) and _DESIGNATION.match(after):
        return _PARTY_BEFORE.search(before) is None
    korean = _KOREAN_TOOL.match(after)
    if korean is None:
        return False
    # "X의 Y를 활용" is always a tool; "X Y로" only when something else stands before the
    # name (엔비디아 H200으로 시장 공략 is Nvidia acting, 딥시크, 화웨이 어센드로 학습 is not).
    return korean.group("of") is not None or _LEADING_TAG.match(prepared[: hit.start]) is None


def _is_add_on(after: str, analyser: KoreanAnalyser) -> bool:
    if _ADD_ON_AFTER.match(fold(after)):
        return True
    if after.startswith(_FOR_SUFFIX):
        after = after[len(_FOR_SUFFIX) :]
    return bool(_KOREAN_ADD_ON_NOUNS.intersection(_next_korean_nouns(after, analyser)))


def _next_korean_nouns(after: str, analyser: KoreanAnalyser) -> tuple[str, ...]:
    """The nouns of the Korean word after a name and a space (개발환경 → 개발, 환경)."""
    word = _HANGUL_RUN.match(after, 1) if after[:1] == " " else None
    return analyser.content_words(word.group(0)) if word else ()
