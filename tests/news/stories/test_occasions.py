"""One outlet's coverage of one occasion (a speech, an election night) is one story; other
outlets, other days, generic phrases and other races are not. Korean titles are read as
mecab-ko's nouns and stems, and a column's installment can report another outlet's event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from news.catalog.entities import bundled_entity_recognizer
from news.core.models import DigestCandidate, Headline
from news.stories.words import Vocabulary
from tests.news.stories.test_traps import report, story_ids

TUESDAY = datetime(2026, 11, 3, 9, tzinfo=UTC)


def covered(
    number: int, title: str, summary: str = "", *, hours: float = 0.0, source: str = "The Wire"
) -> DigestCandidate:
    headline = Headline(
        id=number,
        title=title,
        url=f"https://{source.replace(' ', '').lower()}.example/{number}",
        summary=summary,
        language="en",
        published_at=TUESDAY + timedelta(hours=hours, minutes=number),
        week="2026-W45",
    )
    return DigestCandidate(headline, source)


# Filler that other reports of the week share, so that rarity means something.
OTHERS = [
    covered(100 + n, title, f"The mayor said the {title.lower()} would go ahead.", hours=n)
    for n, title in enumerate(("Housing plan stalls", "Parking fees rise", "Library reopens",
                               "Harbour dredging starts", "School meals expand", "Tram delays"))
]  # fmt: skip


def test_korean_title_words_are_nouns_and_stems() -> None:
    vocabulary = Vocabulary(bundled_entity_recognizer())

    def words(title: str) -> frozenset[str]:
        headline = Headline(id=1, title=title, url=None, summary="", language="ko",
                            published_at=TUESDAY, week="2026-W45")  # fmt: skip
        return vocabulary.read(headline, None)[0]

    assert "앞당기" in words("삼성전자, 공장 증설 앞당겨") & words("공장 증설 일정 앞당겼다")
    assert "교부금" in words("교부금 산정 방식 바꾼다") & words("교육교부금, 해마다 늘어")


def test_korean_rewordings_of_one_story_are_one_story() -> None:
    groups = story_ids(
        [
            report(1, "정부, 지방교육재정교부금 산정 방식 55년 만에 개편", "가신문"),
            report(2, "교부금 산정 방식 개편…55년 만에 바뀐다", "나일보", hours=3),
        ]
    )
    assert groups == [[1, 2]]


def test_one_outlets_reports_of_a_named_occasion_are_one_story() -> None:
    groups = story_ids(
        [
            *OTHERS,
            covered(1, "Governor lauds first year at the Harbor Compact address"),
            covered(2, "So, how did the opposition like the Harbor Compact?", hours=3),
            covered(3, "Late-night hosts on Harbor Compact: 'not a night for facts'", hours=6),
            covered(4, "Tram drivers strike over pay", hours=7),
        ]
    )
    assert [1, 2, 3] in groups and [4] in groups


def test_a_named_occasion_does_not_join_other_outlets_or_other_days() -> None:
    groups = story_ids(
        [
            *OTHERS,
            covered(1, "Governor lauds first year at the Harbor Compact address"),
            covered(2, "So, how did the opposition like the Harbor Compact?", hours=3,
                    source="Daily Planet"),
            covered(3, "Late-night hosts on Harbor Compact: 'not a night for facts'", hours=60),
        ]
    )  # fmt: skip
    assert [1] in groups and [2] in groups and [3] in groups


def test_a_phrase_the_week_has_used_for_days_is_no_occasion() -> None:
    groups = story_ids(
        [
            *OTHERS,
            covered(1, "River Hall press briefing ends early", hours=-72),
            covered(2, "River Hall speech draws protest"),
            covered(3, "Who pays for River Hall repairs?", hours=2),
        ]
    )
    assert [2] in groups and [3] in groups


def test_one_outlets_election_night_is_one_story() -> None:
    groups = story_ids(
        [
            *OTHERS,
            covered(1, "Ashford Democrats sweep county election",
                    "Democrats won every seat in Ashford on Tuesday night."),
            covered(2, "Republican concedes Ashford race",
                    "Defeat in the county election ends a 20-year run.", hours=2),
            covered(3, "What the Ashford win means for the state",
                    "The election victory in Ashford on Tuesday reshapes the map.", hours=5),
        ]
    )  # fmt: skip
    assert [1, 2, 3] in groups


def test_other_outlets_days_and_matches_are_not_one_election_night() -> None:
    groups = story_ids(
        [
            *OTHERS,
            covered(1, "Ashford Democrats sweep county election",
                    "Democrats won every seat in Ashford on Tuesday night."),
            covered(2, "What the Ashford election means for the state",
                    "The victory in Ashford reshapes the map.", hours=3, source="Daily Planet"),
            covered(3, "Ashford voters return for school board election",
                    "Ashford elects its school board.", hours=24 * 5),
            covered(4, "Ashford Rovers win the county cup", "A late goal sealed the win.",
                    hours=6),
        ]
    )  # fmt: skip
    assert [1] in groups and [2] in groups and [3] in groups and [4] in groups


def test_a_columns_installments_can_report_an_event_other_outlets_reported() -> None:
    groups = story_ids(
        [
            report(1, "[AI 아나운서] 샘 알트먼 오픈AI 복귀 가능할까", "가신문",
                   companies=("오픈AI",)),
            report(2, "샘 알트먼, 오픈AI 복귀 협상", "나일보", hours=3, companies=("오픈AI",)),
            report(3, "[AI 아나운서] 샘 알트먼, 오픈AI 복귀", "가신문", hours=24,
                   companies=("오픈AI",)),
        ]
    )  # fmt: skip
    assert groups == [[1, 2, 3]]
