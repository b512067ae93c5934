from __future__ import annotations

from datetime import timedelta

import pytest

from db import TOTAL_CAP, SqlArchiveRepository
from news.core.models import Company, HeadlineQuery, Topic
from testkit.builders import (
    NEXT_WEEK,
    WEDNESDAY,
    activity,
    headline,
    headlines_roundup,
    roundup,
    section,
)


async def titles(archive: SqlArchiveRepository, text: str, guild_id: int = 1) -> list[str]:
    page = await archive.search_headlines(guild_id, HeadlineQuery(text))
    return [h.title for h in page.headlines]


@pytest.mark.parametrize("title", ["클라우드 보안성 강화", "정보보안 인력 부족", "보안"])
async def test_two_syllable_word_is_found_inside_longer_words(
    archive: SqlArchiveRepository, title: str
) -> None:
    await archive.save_roundup(headlines_roundup(title, "날씨 소식"))
    assert await titles(archive, "보안") == [title]


async def test_word_is_found_before_a_particle(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(headlines_roundup("삼성이 새 칩을 냈다"))
    assert await titles(archive, "삼성") == ["삼성이 새 칩을 냈다"]


async def test_end_of_a_compound_is_found(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(headlines_roundup("삼성전자 실적"))
    assert await titles(archive, "전자") == ["삼성전자 실적"]


async def test_korean_phrase_must_be_contiguous(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(headlines_roundup("정보 보안", "보안 정보"))
    assert await titles(archive, "정보보안") == []


async def test_single_syllable_is_found_anywhere(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(headlines_roundup("모바일 앱 출시", "앱스토어 정책", "날씨"))
    assert sorted(await titles(archive, "앱")) == ["모바일 앱 출시", "앱스토어 정책"]


async def test_ai_matches_as_a_word_not_inside_said(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(headlines_roundup("CEO said nothing", "New AI model", "AI칩 경쟁"))
    assert sorted(await titles(archive, "AI")) == ["AI칩 경쟁", "New AI model"]


async def test_ms_matches_as_a_word_not_inside_items(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(headlines_roundup("Top items of the week", "MS buys a studio"))
    assert await titles(archive, "ms") == ["MS buys a studio"]


async def test_english_word_finds_its_plural(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(headlines_roundup("New chips ship", "Chip ban"))
    assert sorted(await titles(archive, "chip")) == ["Chip ban", "New chips ship"]


async def test_mixed_language_query_needs_every_word(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(headlines_roundup("엔비디아 AI 반도체", "엔비디아 주가", "AI 규제"))
    assert await titles(archive, "AI 반도체 엔비디아") == ["엔비디아 AI 반도체"]


async def test_summary_is_searched_too(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(roundup(section(headline("제목만", summary="본문에 양자컴퓨터"))))
    assert await titles(archive, "양자") == ["제목만"]


@pytest.mark.parametrize(
    "query",
    ['"', '"AI', "AI*", "AI AND", "NEAR(AI 칩)", "(AI", "AI)", "terms:AI", "tags:c1", "-AI", "^AI"],
)
async def test_fts_syntax_in_the_query_is_harmless(
    archive: SqlArchiveRepository, query: str
) -> None:
    await archive.save_roundup(headlines_roundup("AI 칩 near term and more"))
    page = await archive.search_headlines(1, HeadlineQuery(query))
    assert page.total == len(page.headlines)


async def test_query_that_is_only_punctuation_finds_nothing(
    archive: SqlArchiveRepository,
) -> None:
    await archive.save_roundup(headlines_roundup("아무 기사"))
    assert (await archive.search_headlines(1, HeadlineQuery("?!"))).total == 0


async def test_company_tags_are_not_matched_by_text(
    archive: SqlArchiveRepository, samsung: Company
) -> None:
    await archive.save_roundup(roundup(section(headline("기사", companies=(samsung.id,)))))
    assert await titles(archive, f"c{samsung.id}") == []


async def test_results_are_newest_first(archive: SqlArchiveRepository) -> None:
    for days in (3, 1, 2):
        at = WEDNESDAY - timedelta(days=days)
        await archive.save_roundup(headlines_roundup(f"클라우드 {days}", at=at))
    assert await titles(archive, "클라우드") == ["클라우드 1", "클라우드 2", "클라우드 3"]


async def test_empty_query_lists_everything_newest_first(
    archive: SqlArchiveRepository,
) -> None:
    await archive.save_roundup(headlines_roundup("옛 기사", at=WEDNESDAY - timedelta(days=9)))
    await archive.save_roundup(headlines_roundup("새 기사"))
    assert await titles(archive, "  ") == ["새 기사", "옛 기사"]


async def test_week_filter(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(headlines_roundup("보안 A", at=WEDNESDAY - timedelta(weeks=1)))
    await archive.save_roundup(headlines_roundup("보안 B"))
    for text in ("보안", ""):
        page = await archive.search_headlines(1, HeadlineQuery(text, week="2026-W47"))
        assert [h.title for h in page.headlines] == ["보안 A"]


async def test_company_filter(archive: SqlArchiveRepository, samsung: Company) -> None:
    await archive.save_roundup(
        roundup(section(headline("삼성 보안", companies=(samsung.id,)), headline("기타 보안")))
    )
    for text in ("보안", ""):
        page = await archive.search_headlines(1, HeadlineQuery(text, company_id=samsung.id))
        assert [h.title for h in page.headlines] == ["삼성 보안"]


async def test_topic_filter(archive: SqlArchiveRepository, security: Topic) -> None:
    await archive.save_roundup(
        roundup(section(headline("해킹 사고", topics=(security.id,)), headline("해킹 영화")))
    )
    page = await archive.search_headlines(1, HeadlineQuery("해킹", topic_id=security.id))
    assert [h.title for h in page.headlines] == ["해킹 사고"]


async def test_pagination_and_total(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(
        roundup(
            section(
                *(headline(f"클라우드 {i}", at=WEDNESDAY + timedelta(minutes=i)) for i in range(7))
            )
        )
    )
    page = await archive.search_headlines(1, HeadlineQuery("클라우드", offset=2, limit=3))
    assert page.total == 7
    assert [h.title for h in page.headlines] == ["클라우드 4", "클라우드 3", "클라우드 2"]
    assert (page.offset, page.limit) == (2, 3)


async def test_total_stops_at_the_cap_but_still_shows_a_next_page(
    archive: SqlArchiveRepository,
) -> None:
    many = [f"뉴스 {i}" for i in range(TOTAL_CAP + 20)]
    await archive.save_roundup(headlines_roundup(*many))
    first = await archive.search_headlines(1, HeadlineQuery("뉴스"))
    deep = await archive.search_headlines(1, HeadlineQuery("뉴스", offset=TOTAL_CAP, limit=10))
    assert first.total == TOTAL_CAP
    assert not first.total_exact
    assert first.total_label == f"{TOTAL_CAP}+"
    assert len(deep.headlines) == 10
    assert deep.total > deep.offset + deep.limit


async def test_small_total_is_exact(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(headlines_roundup(*[f"소식 {i}" for i in range(15)]))
    first = await archive.search_headlines(1, HeadlineQuery("소식", limit=10))
    assert (first.total, first.total_exact, len(first.headlines)) == (15, True, 10)


async def test_other_guild_never_sees_imported_headlines(
    archive: SqlArchiveRepository, samsung: Company
) -> None:
    await archive.save_roundup(
        roundup(section(headline("삼성 기밀", companies=(samsung.id,))), guild_id=1)
    )
    assert await titles(archive, "삼성", guild_id=2) == []
    assert await titles(archive, "", guild_id=2) == []
    seen_by_other = await activity(archive, 2, samsung.id, weeks=["2026-W48"])
    assert seen_by_other.headlines == ()
    assert seen_by_other.weekly_counts == (("2026-W48", 0),)


async def test_other_guild_never_sees_roundups(
    archive: SqlArchiveRepository, samsung: Company
) -> None:
    await archive.save_roundup(roundup(section(headline("가"), mentions=(samsung.id,)), guild_id=1))
    assert await archive.roundup_for_week(2, "2026-W48") is None
    assert await archive.latest_week(2) is None
    assert await archive.weeks(2) == []
    assert (await activity(archive, 2, samsung.id)).mentioned_in == ()


async def test_shared_story_is_visible_to_both_importing_guilds(
    archive: SqlArchiveRepository,
) -> None:
    url = "https://news.test/both"
    await archive.save_roundup(roundup(section(headline("공통 기사", url)), guild_id=1))
    await archive.save_roundup(roundup(section(headline("공통 기사", url)), guild_id=2))
    assert await titles(archive, "공통", guild_id=1) == ["공통 기사"]
    assert await titles(archive, "공통", guild_id=2) == ["공통 기사"]


async def test_company_headlines_newest_first(
    archive: SqlArchiveRepository, samsung: Company
) -> None:
    older = headline("예전 삼성 기사", at=WEDNESDAY - timedelta(days=30), companies=(samsung.id,))
    newer = headline("최신 삼성 기사", companies=(samsung.id,))
    other = headline("무관한 기사")
    await archive.save_roundup(roundup(section(older, newer, other)))
    found = (await activity(archive, 1, samsung.id)).headlines
    assert [h.title for h in found] == ["최신 삼성 기사", "예전 삼성 기사"]
    assert len((await activity(archive, 1, samsung.id, headline_limit=1)).headlines) == 1


async def test_company_weekly_counts_cover_every_week_asked(
    archive: SqlArchiveRepository, samsung: Company
) -> None:
    await archive.save_roundup(
        roundup(
            section(
                headline("삼성 1", companies=(samsung.id,)),
                headline("삼성 2", companies=(samsung.id,)),
                headline("삼성 3", at=NEXT_WEEK, companies=(samsung.id,)),
            )
        )
    )
    weeks = ["2026-W47", "2026-W48", "2026-W49"]
    counts = (await activity(archive, 1, samsung.id, weeks=weeks)).weekly_counts
    assert counts == (("2026-W47", 0), ("2026-W48", 2), ("2026-W49", 1))


async def test_roundups_mentioning_a_company_in_commentary(
    archive: SqlArchiveRepository, samsung: Company, nvidia: Company
) -> None:
    mentioning, _ = await archive.save_roundup(
        roundup(section(headline("가"), commentary="삼성 이야기", mentions=(samsung.id,)))
    )
    await archive.save_roundup(
        roundup(section(headline("나"), mentions=(nvidia.id,)), title="다른 글")
    )
    refs = (await activity(archive, 1, samsung.id)).mentioned_in
    assert [(r.id, r.week, r.title) for r in refs] == [
        (mentioning.id, "2026-W48", mentioning.title)
    ]


@pytest.mark.parametrize("query", ["마이크로소프트가", "마이크로소프트는", "마이크로소프트의"])
async def test_a_query_word_with_a_particle_finds_its_stem(
    archive: SqlArchiveRepository, query: str
) -> None:
    await archive.save_roundup(headlines_roundup("마이크로소프트 새 AI 공개", "구글 실적 발표"))
    assert await titles(archive, query) == ["마이크로소프트 새 AI 공개"]


async def test_a_misread_particle_still_leaves_the_stem(
    archive: SqlArchiveRepository,
) -> None:
    # mecab reads 삼성의 as 삼 + 성의; the particle is cut all the same.
    await archive.save_roundup(headlines_roundup("삼성전자 실적 발표", "날씨 소식"))
    assert await titles(archive, "삼성의") == ["삼성전자 실적 발표"]


async def test_a_particle_after_a_latin_name_is_dropped(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(headlines_roundup("MS, 새 윈도 공개", "날씨 소식"))
    assert await titles(archive, "MS가") == ["MS, 새 윈도 공개"]


async def test_a_noun_that_ends_like_a_particle_is_kept_whole(
    archive: SqlArchiveRepository,
) -> None:
    await archive.save_roundup(headlines_roundup("고양이 사진 앱", "고양시 소식"))
    assert await titles(archive, "고양이") == ["고양이 사진 앱"]


async def test_quoted_korean_phrase_needs_its_words_side_by_side(
    archive: SqlArchiveRepository,
) -> None:
    await archive.save_roundup(
        headlines_roundup("삼성 전자부품 공급", "삼성이 전자 결제 도입", "전자 장비와 삼성")
    )
    assert await titles(archive, '"삼성 전자"') == ["삼성 전자부품 공급"]
    assert sorted(await titles(archive, "삼성 전자")) == [
        "삼성 전자부품 공급",
        "삼성이 전자 결제 도입",
        "전자 장비와 삼성",
    ]


async def test_quoted_english_phrase_needs_its_words_in_order(
    archive: SqlArchiveRepository,
) -> None:
    await archive.save_roundup(
        headlines_roundup(
            "Meta bets on open source", "Source code of the open web", "Open-source AI"
        )
    )
    assert sorted(await titles(archive, '"open source"')) == [
        "Meta bets on open source",
        "Open-source AI",
    ]


async def test_phrase_does_not_span_the_title_and_the_summary(
    archive: SqlArchiveRepository,
) -> None:
    await archive.save_roundup(
        roundup(
            section(
                headline("새 AI", summary="칩 설계 소식"),
                headline("AI 칩 설계", summary="요약"),
                headline("제목", summary="요약에 AI 칩 이야기"),
            )
        )
    )
    assert sorted(await titles(archive, '"AI 칩"')) == ["AI 칩 설계", "제목"]
    assert sorted(await titles(archive, "AI 칩")) == ["AI 칩 설계", "새 AI", "제목"]


async def test_phrase_and_words_combine(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(headlines_roundup("AI 칩 보안 점검", "AI 칩 출시", "보안 AI와 칩"))
    assert await titles(archive, '보안 "AI 칩"') == ["AI 칩 보안 점검"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"open source model"', ["Open source model ships"]),
        ('"AI 칩"', ["AI 칩 x 공개", "AI 칩이 나왔다", "AI 칩칩 x 공개"]),
        ('"AI 칩 x"', ["AI 칩 x 공개"]),
        ('"chip AI"', ["chip AI roadmap"]),
    ],
)
async def test_phrase_words_stand_side_by_side_not_only_in_neighbouring_pairs(
    archive: SqlArchiveRepository, query: str, expected: list[str]
) -> None:
    # Each decoy holds every neighbouring pair of the phrase, but not the phrase.
    await archive.save_roundup(
        headlines_roundup(
            "Open source model ships",
            "Open source today, source model tomorrow",
            "AI 칩이 나왔다",
            "AI와 칩",
            "AI 칩 x 공개",
            "AI 칩칩 x 공개",
            "chip AI roadmap",
            "chips AI roadmap",
        )
    )
    assert sorted(await titles(archive, query)) == expected


@pytest.mark.parametrize("query", ['"AI', '""', "“AI 칩”"])
async def test_unclosed_empty_and_curly_quotes(archive: SqlArchiveRepository, query: str) -> None:
    await archive.save_roundup(headlines_roundup("AI 칩 출시", "AI와 칩"))
    found = sorted(await titles(archive, query))
    expected = {'"AI': ["AI 칩 출시", "AI와 칩"], '""': [], "“AI 칩”": ["AI 칩 출시"]}
    assert found == expected[query]


async def test_total_counts_every_match_whatever_the_page(
    archive: SqlArchiveRepository,
) -> None:
    await archive.save_roundup(headlines_roundup(*(f"보안 소식 {n}" for n in range(30))))
    first = await archive.search_headlines(1, HeadlineQuery("보안", limit=10))
    last = await archive.search_headlines(1, HeadlineQuery("보안", offset=20, limit=10))
    beyond = await archive.search_headlines(1, HeadlineQuery("보안", offset=40, limit=10))
    assert (first.total, len(first.headlines), first.total_exact) == (30, 10, True)
    assert (last.total, len(last.headlines)) == (30, 10)
    assert (beyond.total, beyond.headlines) == (30, ())
    assert len({h.id for h in first.headlines + last.headlines}) == 20


@pytest.mark.parametrize("query", ["보안", "보안 소식", '"보안 소식"'])
@pytest.mark.parametrize("count", [7, TOTAL_CAP + 5])
async def test_every_page_and_total_whether_the_page_or_the_count_walks_first(
    archive: SqlArchiveRepository, query: str, count: int
) -> None:
    # One word reads the page first; several words or a phrase count first (search_plan).
    news = [headline(f"보안 소식 {n}", at=WEDNESDAY + timedelta(minutes=n)) for n in range(count)]
    older = headline("보안 게임", at=WEDNESDAY - timedelta(minutes=1))  # found by 보안 alone
    await archive.save_roundup(roundup(section(*news, older)))
    matching = [f"보안 소식 {n}" for n in reversed(range(count))]
    if query == "보안":
        matching.append("보안 게임")
    for offset in (0, 3, count - 2, count + 4):
        page = await archive.search_headlines(1, HeadlineQuery(query, offset=offset, limit=4))
        assert [h.title for h in page.headlines] == matching[offset : offset + 4]
        cap = max(TOTAL_CAP, offset + 4 + 1)  # a deep page counts past TOTAL_CAP
        assert page.total == min(len(matching), cap)
        assert page.total_exact is (len(matching) < cap)


async def test_words_that_rarely_meet_give_the_newest_page_and_the_exact_total(
    archive: SqlArchiveRepository,
) -> None:
    await archive.save_roundup(
        headlines_roundup(*(f"보안 소식 {n}" for n in range(20)), "보안 게임 1", "게임 2")
    )
    later = WEDNESDAY + timedelta(days=7)
    await archive.save_roundup(headlines_roundup("보안 게임 0", at=later))
    page = await archive.search_headlines(1, HeadlineQuery("게임 보안", limit=1))
    assert ([h.title for h in page.headlines], page.total) == (["보안 게임 0"], 2)


async def test_compacting_the_index_keeps_every_match(archive: SqlArchiveRepository) -> None:
    for n in range(6):  # a transaction, and a piece of the SQLite index, each
        await archive.save_roundup(headlines_roundup(f"보안 소식 {n}", f"게임 {n}"))
    before = await titles(archive, "보안")
    await archive.compact_search_index()
    assert await titles(archive, "보안") == before
    assert len(before) == 6
