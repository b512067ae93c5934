"""Companies with their aliases, and topics with their keywords.

The bundled catalogue has guild_id NULL; what a server adds (a company, or another spelling of
any company it knows) carries its guild_id and is seen by that server only.
"""

from __future__ import annotations

from collections.abc import Sequence

from news.core.errors import InvalidInput, NotFound
from news.core.models import Company, CompanySpec, Topic, TopicSpec
from news.core.text import detect_language, normalize

from db.backend import Database, Row, Session
from db.locks import LockSpace, lock_scope

# The companies a guild knows: the bundled ones and its own, with the bundled spellings and
# its own. :guild_id NULL gives the bundled catalogue alone.
_GUILD_COMPANIES = """
SELECT c.id, c.name, c.english_name, a.alias
  FROM companies AS c
  LEFT JOIN company_aliases AS a
    ON a.company_id = c.id AND (a.guild_id IS NULL OR a.guild_id = :guild_id)
 WHERE c.guild_id IS NULL OR c.guild_id = :guild_id
 ORDER BY c.id, a.id
"""
_COMPANY_BY_ID = """
SELECT c.id, c.name, c.english_name, a.alias
  FROM companies AS c
  LEFT JOIN company_aliases AS a
    ON a.company_id = c.id AND (a.guild_id IS NULL OR a.guild_id = :guild_id)
 WHERE c.id = :company_id AND (c.guild_id IS NULL OR c.guild_id = :guild_id)
 ORDER BY a.id
"""
_GUILDS_WITH_ADDITIONS = """
SELECT DISTINCT guild_id FROM company_aliases WHERE guild_id IS NOT NULL ORDER BY guild_id
"""
# The spellings a guild added, each under the company it names (its own or a bundled one).
_GUILD_ADDITIONS = """
SELECT company_id, alias FROM company_aliases WHERE guild_id = :guild_id ORDER BY company_id, id
"""
_UPSERT_COMPANY = """
INSERT INTO companies (name, english_name) VALUES (:name, :english_name)
ON CONFLICT (name) WHERE guild_id IS NULL DO UPDATE
   SET english_name = coalesce(nullif(excluded.english_name, ''), companies.english_name)
RETURNING id
"""
_INSERT_COMPANY = """
INSERT INTO companies (name, english_name, guild_id) VALUES (:name, :english_name, :guild_id)
RETURNING id
"""
_COMPANY_NAME_TAKEN = """
SELECT 1 FROM companies WHERE name = :name AND (guild_id IS NULL OR guild_id = :guild_id)
"""
_ALIAS_OWNER = """
SELECT a.company_id, c.name
  FROM company_aliases AS a JOIN companies AS c ON c.id = a.company_id
 WHERE a.normalized = :normalized AND (a.guild_id IS NULL OR a.guild_id = :guild_id)
"""
# An alias already owned (by this company or, in a bulk upsert, another) is left alone.
_INSERT_ALIAS = """
INSERT INTO company_aliases (company_id, alias, normalized, language, guild_id)
VALUES (:company_id, :alias, :normalized, :language, :guild_id)
ON CONFLICT DO NOTHING
"""

_ALL_TOPICS = """
SELECT t.id, t.key, t.name_en, t.name_ko, k.keyword
  FROM topics AS t LEFT JOIN topic_keywords AS k ON k.topic_id = t.id
 ORDER BY t.id, k.id
"""
_UPSERT_TOPIC = """
INSERT INTO topics (key, name_en, name_ko) VALUES (:key, :name_en, :name_ko)
ON CONFLICT (key) DO UPDATE SET name_en = excluded.name_en, name_ko = excluded.name_ko
RETURNING id
"""
_INSERT_KEYWORD = """
INSERT INTO topic_keywords (topic_id, keyword, normalized)
VALUES (:topic_id, :keyword, :normalized)
ON CONFLICT (topic_id, normalized) DO NOTHING
"""


class SqlCompanyRepository:
    """news.catalog.ports.CompanyRepository on either backend.

    Every spelling (canonical name, English name, aliases) is stored in company_aliases under
    its normalised form, which is unique: one spelling never names two companies.
    """

    def __init__(self, database: Database) -> None:
        self._db = database

    async def all_companies(self) -> list[Company]:
        """The bundled catalogue (no server's additions)."""
        return await self.guild_companies(None)

    async def guild_companies(self, guild_id: int | None) -> list[Company]:
        """The bundled catalogue with the guild's additions."""
        return _companies_from(await self._db.fetch_all(_GUILD_COMPANIES, {"guild_id": guild_id}))

    async def guilds_with_additions(self) -> list[int]:
        return [int(row["guild_id"]) for row in await self._db.fetch_all(_GUILDS_WITH_ADDITIONS)]

    async def guild_additions(self, guild_id: int) -> list[Company]:
        """Only the spellings the guild added, as companies (named by their first spelling)
        with the ids of the companies they name."""
        spellings: dict[int, list[str]] = {}
        for row in await self._db.fetch_all(_GUILD_ADDITIONS, {"guild_id": guild_id}):
            spellings.setdefault(int(row["company_id"]), []).append(row["alias"])
        return [
            Company(company_id, names[0], names[0], tuple(names[1:]))
            for company_id, names in spellings.items()
        ]

    async def upsert_companies(self, specs: Sequence[CompanySpec]) -> None:
        async with self._db.transaction() as tx:
            for spec in specs:
                row = await tx.fetch_one(
                    _UPSERT_COMPANY, {"name": spec.name, "english_name": spec.english_name}
                )
                assert row is not None  # RETURNING always yields the upserted row
                await tx.executemany(
                    _INSERT_ALIAS, _alias_rows(int(row["id"]), _spellings(spec), None)
                )

    async def add_company(self, spec: CompanySpec, guild_id: int) -> Company:
        spellings = _spellings(spec)
        async with self._db.transaction() as tx:
            # The checks below hold until commit: the server's catalogue changes one at a time.
            await lock_scope(tx, LockSpace.CATALOG, guild_id)
            if await tx.fetch_one(_COMPANY_NAME_TAKEN, {"name": spec.name, "guild_id": guild_id}):
                raise InvalidInput("company.exists", name=spec.name)
            for spelling in spellings:
                await _refuse_taken_alias(tx, spelling, company_id=None, guild_id=guild_id)
            row = await tx.fetch_one(
                _INSERT_COMPANY,
                {"name": spec.name, "english_name": spec.english_name, "guild_id": guild_id},
            )
            assert row is not None  # RETURNING always yields the inserted row
            company_id = int(row["id"])
            await tx.executemany(_INSERT_ALIAS, _alias_rows(company_id, spellings, guild_id))
            return await _company(tx, company_id, guild_id)

    async def add_alias(self, company_id: int, alias: str, guild_id: int) -> Company:
        if not normalize(alias):
            raise InvalidInput("alias.no_letters")
        async with self._db.transaction() as tx:
            await lock_scope(tx, LockSpace.CATALOG, guild_id)
            await _company(tx, company_id, guild_id)
            if not await _refuse_taken_alias(tx, alias, company_id=company_id, guild_id=guild_id):
                await tx.executemany(_INSERT_ALIAS, _alias_rows(company_id, [alias], guild_id))
            return await _company(tx, company_id, guild_id)


class SqlTopicRepository:
    """news.catalog.ports.TopicRepository on either backend: topics by key, keywords merged, never
    dropped."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def all_topics(self) -> list[Topic]:
        topics: dict[int, Topic] = {}
        for row in await self._db.fetch_all(_ALL_TOPICS):
            topic = topics.get(row["id"]) or Topic(
                id=row["id"], key=row["key"], name_en=row["name_en"], name_ko=row["name_ko"]
            )
            keywords = (*topic.keywords, row["keyword"]) if row["keyword"] else topic.keywords
            topics[topic.id] = Topic(topic.id, topic.key, topic.name_en, topic.name_ko, keywords)
        return list(topics.values())

    async def upsert_topics(self, specs: Sequence[TopicSpec]) -> None:
        async with self._db.transaction() as tx:
            for spec in specs:
                row = await tx.fetch_one(
                    _UPSERT_TOPIC,
                    {"key": spec.key, "name_en": spec.name_en, "name_ko": spec.name_ko},
                )
                assert row is not None  # RETURNING always yields the upserted row
                await tx.executemany(_INSERT_KEYWORD, _keyword_rows(int(row["id"]), spec.keywords))


async def _company(tx: Session, company_id: int, guild_id: int | None) -> Company:
    params = {"company_id": company_id, "guild_id": guild_id}
    companies = _companies_from(await tx.fetch_all(_COMPANY_BY_ID, params))
    if not companies:
        raise NotFound("company.no_such_id", company_id=company_id)
    return companies[0]


async def _refuse_taken_alias(
    tx: Session, alias: str, *, company_id: int | None, guild_id: int
) -> bool:
    """InvalidInput when the spelling names another company the guild knows; True when it
    names this one already."""
    params = {"normalized": normalize(alias), "guild_id": guild_id}
    owner = await tx.fetch_one(_ALIAS_OWNER, params)
    if owner is not None and owner["company_id"] != company_id:
        raise InvalidInput("alias.taken", alias=alias, company=owner["name"])
    return owner is not None


def _spellings(spec: CompanySpec) -> list[str]:
    return [spec.name, spec.english_name, *spec.aliases]


def _alias_rows(
    company_id: int, spellings: Sequence[str], guild_id: int | None
) -> list[dict[str, object]]:
    return [
        {
            "company_id": company_id,
            "guild_id": guild_id,
            "alias": spelling.strip(),
            "normalized": normalize(spelling),
            "language": detect_language(spelling),
        }
        for spelling in spellings
        if normalize(spelling)
    ]


def _keyword_rows(topic_id: int, keywords: Sequence[str]) -> list[dict[str, object]]:
    return [
        {"topic_id": topic_id, "keyword": keyword.strip(), "normalized": normalize(keyword)}
        for keyword in keywords
        if normalize(keyword)
    ]


def _companies_from(rows: list[Row]) -> list[Company]:
    """Fold (company, alias) rows into companies; aliases exclude the two names themselves."""
    companies: dict[int, Company] = {}
    for row in rows:
        company = companies.get(row["id"]) or Company(
            id=row["id"], name=row["name"], english_name=row["english_name"]
        )
        alias = row["alias"]
        if alias and alias not in (company.name, company.english_name, *company.aliases):
            company = Company(
                company.id, company.name, company.english_name, (*company.aliases, alias)
            )
        companies[company.id] = company
    return list(companies.values())
