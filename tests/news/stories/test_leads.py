"""Grouping on a report's lead (the summary's first sentence) and on one shared name: one
outlet's coverage of one event is one story; a name in every summary, a lead days apart, or a
name without the same kind of event is not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from news.catalog.entities import bundled_entity_recognizer
from news.core.models import DigestCandidate, Headline
from news.stories.leads import PHRASE, LeadReader, lead_of
from tests.news.stories.test_traps import report, story_ids

MONDAY = datetime(2026, 11, 23, 9, tzinfo=UTC)


def covered(number: int, title: str, summary: str, *, hours: float = 0.0) -> DigestCandidate:
    headline = Headline(
        id=number,
        title=title,
        url=f"https://wire.example/{number}",
        summary=summary,
        language="en",
        published_at=MONDAY + timedelta(hours=hours, minutes=number),
        week="2026-W48",
    )
    return DigestCandidate(headline, "The Wire")


# Filler that other reports of the week share, so that rarity means something.
OTHERS = [
    covered(100 + n, title, f"The mayor said the {title.lower()} would go ahead.", hours=n)
    for n, title in enumerate(("Housing plan stalls", "Parking fees rise", "Library reopens",
                               "Harbour dredging starts", "School meals expand", "Tram delays"))
]  # fmt: skip


def test_a_lead_reads_words_and_phrases_of_its_first_sentence() -> None:
    reader = LeadReader(bundled_entity_recognizer())
    lead = lead_of("During the budget address on Tuesday the governor spoke. " + "x " * 5000)
    features = reader.read(lead)
    assert PHRASE + "budget addres" in features
    assert "x" not in features and "the" not in features


def test_one_outlets_reports_of_one_event_are_one_story_through_their_leads() -> None:
    groups = story_ids(
        [
            *OTHERS,
            covered(1, "Governor's budget address promises tax relief",
                    "The governor promised tax relief for families in the budget address."),
            covered(2, "Tax relief for families draws applause",
                    "Lawmakers applauded as the governor promised tax relief in the budget "
                    "address on Tuesday.", hours=2),
        ]
    )  # fmt: skip
    assert [1, 2] in groups


def test_a_name_in_every_lead_does_not_make_one_story() -> None:
    groups = story_ids(
        [
            *OTHERS,
            covered(1, "Senate passes farm bill",
                    "President Donald Trump said the farm bill would help growers."),
            covered(2, "Storm closes airports in the north",
                    "President Donald Trump said aid would reach the north soon.", hours=1),
        ]
    )  # fmt: skip
    assert [1] in groups and [2] in groups


def test_leads_days_apart_are_different_stories() -> None:
    groups = story_ids(
        [
            *OTHERS,
            covered(1, "Governor's budget address promises tax relief",
                    "The governor promised tax relief for families in the budget address."),
            covered(2, "Tax relief for families draws applause",
                    "Lawmakers applauded as the governor promised tax relief in the budget "
                    "address on Tuesday.", hours=24 * 3),
        ]
    )  # fmt: skip
    assert [1] in groups and [2] in groups


def test_one_product_and_the_same_kind_of_event_within_a_day_is_one_story() -> None:
    groups = story_ids(
        [
            report(1, "Anthropic, Claude Code에 보안 취약점 스캔 기능 출시", "가신문",
                   companies=("앤트로픽",)),
            report(2, "클로드 코드, 사이버보안 기능 추가", "나일보", hours=1),
        ]
    )  # fmt: skip
    assert groups == [[1, 2]]


def test_one_product_is_not_enough_days_later_or_without_the_event() -> None:
    groups = story_ids(
        [
            report(1, "Anthropic, Claude Code에 보안 취약점 스캔 기능 출시", "가신문",
                   companies=("앤트로픽",)),
            report(2, "클로드 코드, 사이버보안 기능 추가", "나일보", hours=50),
            report(3, "클로드 코드 해커톤 수상자 발표", "다매체", hours=1),
        ]
    )  # fmt: skip
    assert groups == [[1], [2], [3]]
