"""How one event's development is grouped: the same kind of event whatever is said of it
(may return, is not returning, returns) is one story; background events, comparisons and
spelling differences (six and 6, C.E.O. and CEO, resigns and resignation) are read as such."""

from __future__ import annotations

from news.catalog.entities import bundled_entity_recognizer
from news.core.models import Headline
from news.stories.titles import COMPARISON, EVENT, read_title
from news.stories.words import Vocabulary
from tests.news.stories.test_traps import MONDAY, report, story_ids


def events(title: str) -> set[str]:
    reading = read_title(title.casefold(), "", bundled_entity_recognizer())
    return {anchor[1:] for anchor in reading.anchors if anchor[0] == EVENT}


def features(title: str) -> frozenset[str]:
    headline = Headline(
        id=1, title=title, url=None, summary="", language="en", published_at=MONDAY,
        week="2026-W48",
    )  # fmt: skip
    found, _, _ = Vocabulary(bundled_entity_recognizer()).read(headline, None)
    return found


def test_an_event_after_after_is_background_not_the_event_told() -> None:
    assert events("Board brings founder back as CEO days after ouster") == {"return"}


def test_a_korean_event_made_a_clause_of_time_is_background() -> None:
    assert events("이사회, 해고된 지 일주일 만에 창업자를 CEO로 다시 데려와") == {"return"}


def test_bringing_someone_back_is_a_return() -> None:
    assert events("Startup brings its founder back") == {"return"}


def test_a_comparison_is_its_own_kind_of_event() -> None:
    assert COMPARISON in events("Model 5.3 is better than Model 4.6")
    assert COMPARISON in events("두 모델 성능 비교")


def test_a_number_word_and_its_digits_are_one_feature() -> None:
    assert features("Exports fall for the first time in six years") >= {"1", "6"}
    assert features("Exports record 1st fall in 6 years") >= {"1", "6"}


def test_an_acronym_with_dots_is_one_word() -> None:
    found = features("Founder resigns as C.E.O.")
    assert "ceo" in found
    assert not {"c", "e", "o"} & found


def test_a_noun_of_action_shares_its_verbs_stem() -> None:
    assert "resign" in features("Founder resigns") & features("Inside the resignation")


def test_may_return_and_not_returning_are_one_developing_story() -> None:
    groups = story_ids(
        [
            report(1, "샘 알트만 오픈AI 복귀 가능할까", "가신문"),
            report(2, "Sam Altman is NOT returning as CEO of OpenAI", "Tech Daily",
                   language="en", hours=5),
        ]
    )  # fmt: skip
    assert groups == [[1, 2]]


def test_a_return_told_after_a_firing_joins_the_return_not_the_firing() -> None:
    groups = story_ids(
        [
            report(1, "OpenAI fired its CEO Sam Altman on Friday", "Tech Daily", language="en"),
            report(2, "Sam Altman returns to OpenAI as CEO", "The Wire", language="en",
                   hours=30),
            report(3, "OpenAI, 샘 알트먼을 해고된 지 일주일도 채 되지 않아 CEO로 다시 데려와",
                   "가신문", hours=40),
        ]
    )  # fmt: skip
    assert groups == [[1], [2, 3]]


def test_a_comparison_is_not_grouped_with_the_launch_it_compares() -> None:
    groups = story_ids(
        [
            report(1, "Vendor launches Codex 5.3, its answer to Opus 4.6", "Tech Daily",
                   language="en"),
            report(2, "Codex 5.3 is better than Opus 4.6", "Forum", language="en", hours=2),
        ]
    )  # fmt: skip
    assert groups == [[1], [2]]


def test_two_comparisons_of_the_same_models_are_one_story() -> None:
    groups = story_ids(
        [
            report(1, "Codex 5.3 is better than Opus 4.6 at refactoring", "Forum",
                   language="en"),
            report(2, "Codex 5.3 better than Opus 4.6 at refactoring, tests show", "Tech Daily",
                   language="en", hours=2),
        ]
    )  # fmt: skip
    assert groups == [[1, 2]]
