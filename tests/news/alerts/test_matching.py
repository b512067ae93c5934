"""AlertMatcher: keywords match as search does (Korean substrings, particles, whole Latin words,
plurals), companies and topics by id, one alert per user and server, servers isolated; and it
agrees with the naive loop on random subscriptions and headlines."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from news.alerts.matching import AlertMatcher, NaiveMatcher
from news.alerts.models import (
    MAX_KEYWORD_LENGTH,
    MAX_KEYWORD_WORDS,
    ArrivedHeadline,
    Delivery,
    Subscription,
    SubscriptionKind,
    parse_keyword,
)
from news.core.errors import InvalidInput

GUILD = 1
OTHER_GUILD = 2
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def keyword(text: str, *, id: int = 1, user: int = 10, guild: int = GUILD) -> Subscription:
    parsed = parse_keyword(text)
    kind = SubscriptionKind.KEYWORD
    return Subscription(
        guild, user, kind, None, parsed.query, f"{kind}:{parsed.query}", parsed.label,
        Delivery.DM, id=id,
    )  # fmt: skip


def by_id(
    kind: SubscriptionKind, target: int, *, id: int = 1, user: int = 10, guild: int = GUILD
) -> Subscription:
    return Subscription(
        guild, user, kind, target, str(target), f"{kind}:{target}", str(target), Delivery.DM, id=id
    )


def arrived(
    text: str,
    *,
    companies: tuple[int, ...] = (),
    topics: tuple[int, ...] = (),
    guilds: tuple[int, ...] = (GUILD,),
) -> ArrivedHeadline:
    return ArrivedHeadline(1, text, NOW, companies, topics, guilds)


def finds(query: str, text: str) -> bool:
    """Whether a keyword subscription to ``query`` is alerted of a headline ``text``; the
    matcher and the naive loop must agree on every example."""
    subscription = keyword(query)
    headline = arrived(text)
    found = AlertMatcher([subscription]).match(headline) == [subscription]
    assert found == (NaiveMatcher([subscription]).match(headline) == [subscription])
    return found


# --- keywords: the Korean traps of the archive issue -----------------------------------------


@pytest.mark.parametrize("text", ["정보보안 예산 증가", "클라우드 보안성 평가", "보안 업데이트"])
def test_a_two_syllable_korean_keyword_is_found_inside_longer_words(text: str) -> None:
    assert finds("보안", text)


def test_a_korean_keyword_is_found_before_a_particle() -> None:
    assert finds("삼성", "삼성이 새 메모리를 공개")
    assert finds("삼성전자", "삼성전자는 오늘")
    assert finds("엔비디아", "엔비디아의 실적")


def test_a_korean_keyword_is_not_found_when_its_syllables_are_apart() -> None:
    assert not finds("삼성", "삼 성")
    assert not finds("보안", "보고서 안내")


@pytest.mark.parametrize(("query", "text"), [("AI", "He said so"), ("MS", "New items")])
def test_a_short_latin_keyword_is_not_found_inside_a_word(query: str, text: str) -> None:
    assert not finds(query, text)


@pytest.mark.parametrize(("query", "text"), [("AI", "AI chips sell"), ("MS", "MS and Google")])
def test_a_short_latin_keyword_is_found_as_a_word(query: str, text: str) -> None:
    assert finds(query, text)


def test_a_latin_keyword_is_found_next_to_korean_text() -> None:
    assert finds("AI", "AI반도체 수요")
    assert finds("HBM", "삼성의 HBM 공급")


def test_a_keyword_finds_its_english_plural() -> None:
    assert finds("chip", "Chips are scarce")
    assert finds("battery", "New batteries")
    assert not finds("chips", "One chip")


def test_a_single_korean_character_is_a_prefix_of_a_word() -> None:
    assert finds("칩", "AI 칩셋 출하")
    assert finds("안", "보안")  # the last character of a word is a term of its own
    assert not finds("칩", "반도체 공급")


def test_unquoted_words_must_all_appear_in_any_order() -> None:
    assert finds("보안 취약점", "취약점 공개된 정보보안 제품")
    assert not finds("보안 취약점", "정보보안 제품 출시")


def test_a_quoted_phrase_must_stand_as_written() -> None:
    assert finds('"AI chip"', "New AI chip ships")
    assert finds('"AI chip"', "New AI chips ship")
    assert not finds('"AI chip"', "chip for AI")
    assert not finds('"AI chip"', "AI and chip")


def test_a_quoted_korean_phrase_may_continue_in_the_text() -> None:
    assert finds('"삼성 전자"', "삼성 전자부품 공개")
    assert not finds('"삼성 전자"', "삼성전자 공개")
    assert finds('"AI 칩"', "AI 칩셋")


def test_a_keyword_matches_the_summary_as_well_as_the_title() -> None:
    assert finds("HBM", "삼성 실적 발표\n메모리 중 HBM 비중 확대")


# --- companies and topics by id --------------------------------------------------------------


def test_a_company_is_matched_by_id_whatever_the_text_says() -> None:
    apple = by_id(SubscriptionKind.COMPANY, 7)
    matcher = AlertMatcher([apple])

    # The recognizer does not tag 애플리케이션 as Apple, so the headline has no company id.
    assert matcher.match(arrived("애플리케이션 보안 점검 가이드")) == []
    assert matcher.match(arrived("Apple ships", companies=(7,))) == [apple]
    assert matcher.match(arrived("새 아이폰 공개", companies=(3, 7))) == [apple]


def test_a_topic_is_matched_by_id() -> None:
    security = by_id(SubscriptionKind.TOPIC, 4)
    matcher = AlertMatcher([security])

    assert matcher.match(arrived("보안 업데이트")) == []
    assert matcher.match(arrived("anything", topics=(4,))) == [security]


def test_a_company_subscription_does_not_answer_a_topic_with_the_same_id() -> None:
    company = by_id(SubscriptionKind.COMPANY, 4)

    assert AlertMatcher([company]).match(arrived("x", topics=(4,))) == []


# --- one alert per user and server; isolation ------------------------------------------------


def test_a_user_with_several_matching_subscriptions_gets_one_with_the_lowest_id() -> None:
    subscriptions = [
        keyword("보안", id=9),
        by_id(SubscriptionKind.COMPANY, 7, id=3),
        by_id(SubscriptionKind.TOPIC, 4, id=5),
    ]
    headline = arrived("정보보안", companies=(7,), topics=(4,))

    [found] = AlertMatcher(subscriptions).match(headline)

    assert found.id == 3
    assert NaiveMatcher(subscriptions).match(headline) == [found]


def test_each_user_and_each_server_gets_its_own_alert() -> None:
    subscriptions = [
        keyword("보안", id=1, user=10),
        keyword("보안", id=2, user=11),
        keyword("보안", id=3, user=10, guild=OTHER_GUILD),
    ]

    found = AlertMatcher(subscriptions).match(arrived("보안", guilds=(GUILD, OTHER_GUILD)))

    assert sorted(s.id for s in found) == [1, 2, 3]


def test_a_headline_reaches_only_the_servers_that_can_see_it() -> None:
    subscriptions = [
        keyword("보안", id=1, guild=GUILD),
        keyword("보안", id=2, guild=OTHER_GUILD),
        by_id(SubscriptionKind.COMPANY, 7, id=3, guild=OTHER_GUILD),
    ]

    found = AlertMatcher(subscriptions).match(arrived("보안", companies=(7,), guilds=(GUILD,)))

    assert [s.id for s in found] == [1]
    assert AlertMatcher(subscriptions).match(arrived("보안", guilds=())) == []


def test_an_undeliverable_subscription_is_not_matched() -> None:
    stopped = replace(keyword("보안"), undeliverable=True)

    assert AlertMatcher([stopped]).match(arrived("보안")) == []
    assert AlertMatcher([stopped]).size == 0


# --- parse_keyword -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "!!! ??",
        '""',
        "x" * (MAX_KEYWORD_LENGTH + 1),
        " ".join(f"w{n}" for n in range(MAX_KEYWORD_WORDS + 1)),
    ],
)
def test_parse_keyword_refuses_what_cannot_be_searched(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_keyword(text)


def test_parse_keyword_accepts_the_limits() -> None:
    assert parse_keyword("x" * MAX_KEYWORD_LENGTH).label == "x" * MAX_KEYWORD_LENGTH
    words = " ".join(f"w{n}" for n in range(MAX_KEYWORD_WORDS))
    assert len(parse_keyword(words).units) == MAX_KEYWORD_WORDS


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("AI", "ai"),
        ("보안  취약점", "보안 취약점"),
        ("ＨＢＭ", "hbm"),  # full-width letters fold as search folds them
        ("AI AI", "AI"),
        ("“AI chip”", '"ai chip"'),
    ],
)
def test_two_spellings_that_search_alike_are_one_query(one: str, other: str) -> None:
    assert parse_keyword(one).query == parse_keyword(other).query


def test_a_quoted_phrase_is_another_query_than_its_words() -> None:
    assert parse_keyword('"AI chip"').query != parse_keyword("AI chip").query


def test_the_label_keeps_what_the_user_typed() -> None:
    assert parse_keyword("  삼성   HBM ").label == "삼성 HBM"


# --- the matcher agrees with the naive loop ----------------------------------------------------

# Few letters and syllables, so that random keywords and headlines often meet.
_PIECES = ["보안", "정보", "삼성", "전자", "이", "의", "칩", "ai", "AI", "chip", "chips", "said"]
_words = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=3).map("".join)
_texts = st.lists(
    st.one_of(_words, st.sampled_from(_PIECES), st.sampled_from(["-", "."])),
    min_size=3,
    max_size=15,
).map(" ".join)
# One or two short words: never more units than a keyword may have, and often found.
_two_pieces = st.lists(st.sampled_from(_PIECES), min_size=2, max_size=2).map("".join)
_keyword_word = st.one_of(st.sampled_from(_PIECES), _two_pieces)
_keyword_words = st.lists(_keyword_word, min_size=1, max_size=2).map(" ".join)
_keyword_texts = st.one_of(_keyword_words, _keyword_words.map(lambda words: f'"{words}"'))
_ids = st.integers(min_value=1, max_value=3)
_guilds = st.sampled_from([(GUILD,), (GUILD, OTHER_GUILD), (OTHER_GUILD,), ()])


@st.composite
def _subscriptions(draw: st.DrawFn) -> list[Subscription]:
    found: list[Subscription] = []
    for index in range(draw(st.integers(min_value=0, max_value=12))):
        user = draw(st.integers(min_value=10, max_value=12))
        guild = draw(st.sampled_from([GUILD, OTHER_GUILD]))
        kind = draw(st.sampled_from(list(SubscriptionKind)))
        if kind is SubscriptionKind.KEYWORD:
            made = keyword(draw(_keyword_texts), id=index + 1, user=user, guild=guild)
        else:
            made = by_id(kind, draw(_ids), id=index + 1, user=user, guild=guild)
        found.append(made)
    return found


@st.composite
def _headlines(draw: st.DrawFn) -> ArrivedHeadline:
    return ArrivedHeadline(
        1,
        draw(_texts),
        NOW,
        tuple(draw(st.lists(_ids, max_size=2))),
        tuple(draw(st.lists(_ids, max_size=2))),
        draw(_guilds),
    )


@settings(derandomize=True, max_examples=100, deadline=None)
@given(_subscriptions(), st.lists(_headlines(), min_size=1, max_size=4))
def test_the_matcher_finds_exactly_what_the_naive_loop_finds(
    subscriptions: list[Subscription], headlines: list[ArrivedHeadline]
) -> None:
    matcher = AlertMatcher(subscriptions)
    for headline in headlines:
        expected = sorted(s.id for s in NaiveMatcher(subscriptions).match(headline))
        assert sorted(s.id for s in matcher.match(headline)) == expected


def test_a_servers_own_company_tag_answers_that_servers_subscribers_only() -> None:
    mine = by_id(SubscriptionKind.COMPANY, 7, id=1, user=10, guild=GUILD)
    theirs = by_id(SubscriptionKind.COMPANY, 7, id=2, user=20, guild=OTHER_GUILD)
    headline = replace(
        arrived("녹색팀, 신제품 공개", guilds=(GUILD, OTHER_GUILD)), guild_company_ids=((GUILD, 7),)
    )

    for matcher in (AlertMatcher([mine, theirs]), NaiveMatcher([mine, theirs])):
        assert matcher.match(headline) == [mine]


def test_an_own_tag_of_a_server_that_does_not_see_the_headline_answers_nobody() -> None:
    mine = by_id(SubscriptionKind.COMPANY, 7, guild=GUILD)
    headline = replace(arrived("녹색팀", guilds=(OTHER_GUILD,)), guild_company_ids=((GUILD, 7),))

    assert AlertMatcher([mine]).match(headline) == []
