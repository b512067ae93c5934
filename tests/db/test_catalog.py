from __future__ import annotations

import pytest

from db import SqlCompanyRepository, SqlTopicRepository
from news.core.errors import InvalidInput, NotFound
from news.core.models import Company, CompanySpec, TopicSpec


async def test_added_company_keeps_names_and_aliases(samsung: Company) -> None:
    assert (samsung.name, samsung.english_name) == ("삼성전자", "Samsung Electronics")
    assert samsung.aliases == ("삼성", "Samsung")


async def test_all_companies_lists_them_in_creation_order(
    companies: SqlCompanyRepository, samsung: Company, nvidia: Company
) -> None:
    assert await companies.all_companies() == [samsung, nvidia]


async def test_add_company_refuses_a_taken_name(
    companies: SqlCompanyRepository, samsung: Company
) -> None:
    with pytest.raises(InvalidInput):
        await companies.add_company(CompanySpec("삼성전자", "Other"), 1)


async def test_add_company_refuses_an_alias_of_another_company(
    companies: SqlCompanyRepository, samsung: Company
) -> None:
    with pytest.raises(InvalidInput, match="삼성전자"):
        await companies.add_company(CompanySpec("삼성물산", "Samsung C&T", ("SAMSUNG",)), 1)
    assert [c.name for c in await companies.all_companies()] == ["삼성전자"]


async def test_add_alias_appends_it(companies: SqlCompanyRepository, samsung: Company) -> None:
    updated = await companies.add_alias(samsung.id, "SEC", 1)
    assert updated.aliases == ("삼성", "Samsung", "SEC")


async def test_add_alias_conflict_with_another_company_raises(
    companies: SqlCompanyRepository, samsung: Company, nvidia: Company
) -> None:
    with pytest.raises(InvalidInput):
        await companies.add_alias(nvidia.id, "ｓａｍｓｕｎｇ", 1)  # same normalised form


async def test_add_alias_already_owned_is_a_no_op(
    companies: SqlCompanyRepository, samsung: Company
) -> None:
    assert await companies.add_alias(samsung.id, " samsung ", 1) == samsung


async def test_add_alias_to_unknown_company_raises_not_found(
    companies: SqlCompanyRepository,
) -> None:
    with pytest.raises(NotFound):
        await companies.add_alias(42, "유령", 1)


async def test_add_blank_alias_is_invalid(
    companies: SqlCompanyRepository, samsung: Company
) -> None:
    with pytest.raises(InvalidInput):
        await companies.add_alias(samsung.id, "   ", 1)


async def test_upsert_merges_aliases_and_never_drops_them(
    companies: SqlCompanyRepository,
) -> None:
    await companies.upsert_companies([CompanySpec("네이버", "Naver", ("네이버웹툰",))])
    await companies.upsert_companies([CompanySpec("네이버", "Naver", ("라인",))])
    [naver] = await companies.all_companies()
    assert naver.aliases == ("네이버웹툰", "라인")


async def test_upsert_keeps_the_former_english_name_as_an_alias(
    companies: SqlCompanyRepository,
) -> None:
    await companies.upsert_companies([CompanySpec("네이버", "Naver")])
    await companies.upsert_companies([CompanySpec("네이버", "Naver Corp")])
    [naver] = await companies.all_companies()
    assert (naver.english_name, naver.aliases) == ("Naver Corp", ("Naver",))


async def test_upsert_skips_an_alias_owned_by_another_company(
    companies: SqlCompanyRepository, samsung: Company
) -> None:
    await companies.upsert_companies([CompanySpec("삼성SDI", "Samsung SDI", ("삼성",))])
    sdi = (await companies.all_companies())[1]
    assert "삼성" not in sdi.aliases


async def test_topics_upsert_merges_keywords(topics: SqlTopicRepository) -> None:
    await topics.upsert_topics([TopicSpec("ai", "AI", "인공지능", ("AI", "인공지능"))])
    await topics.upsert_topics([TopicSpec("ai", "AI", "인공지능", ("LLM", "ai"))])
    [topic] = await topics.all_topics()
    assert topic.keywords == ("AI", "인공지능", "LLM")


async def test_topic_without_keywords_is_listed(topics: SqlTopicRepository) -> None:
    await topics.upsert_topics([TopicSpec("cloud", "Cloud", "클라우드")])
    [topic] = await topics.all_topics()
    assert (topic.key, topic.name_ko, topic.keywords) == ("cloud", "클라우드", ())
