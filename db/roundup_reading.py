"""Reading one roundup back, with its sections, commentary mentions and headlines."""

from __future__ import annotations

import json

from news.core.models import Headline, Roundup, RoundupKind, RoundupSection

from db.backend import Session, Sql
from db.headlines import headline_from_row
from db.times import from_unix

_ROUNDUP_BY_ID = "SELECT * FROM roundups WHERE id = :roundup_id"
_SECTIONS = Sql(
    sqlite="""
SELECT s.id, s.position, s.title, s.commentary,
       (SELECT json_group_array(c.name)
          FROM roundup_section_companies AS m JOIN companies AS c ON c.id = m.company_id
         WHERE m.section_id = s.id) AS mentions_json
  FROM roundup_sections AS s
 WHERE s.roundup_id = :roundup_id
 ORDER BY s.position
""",
    postgres="""
SELECT s.id, s.position, s.title, s.commentary,
       (SELECT coalesce(json_agg(c.name), '[]')
          FROM roundup_section_companies AS m JOIN companies AS c ON c.id = m.company_id
         WHERE m.section_id = s.id) AS mentions_json
  FROM roundup_sections AS s
 WHERE s.roundup_id = :roundup_id
 ORDER BY s.position
""",
)
_SECTION_ITEMS = """
SELECT i.section_id, v.*
  FROM roundup_sections AS s
  JOIN roundup_items AS i ON i.section_id = s.id
  JOIN headline_view AS v ON v.id = i.headline_id
 WHERE s.roundup_id = :roundup_id
 ORDER BY s.position, i.position
"""


async def load_roundup(reads: Session, roundup_id: int) -> Roundup | None:
    row = await reads.fetch_one(_ROUNDUP_BY_ID, {"roundup_id": roundup_id})
    if row is None:
        return None
    params = {"roundup_id": roundup_id}
    items: dict[int, list[Headline]] = {}
    for item in await reads.fetch_all(_SECTION_ITEMS, params):
        items.setdefault(item["section_id"], []).append(headline_from_row(item))
    sections = tuple(
        RoundupSection(
            position=section["position"],
            title=section["title"],
            commentary=section["commentary"],
            mentioned_companies=tuple(sorted(json.loads(section["mentions_json"]))),
            headlines=tuple(items.get(section["id"], ())),
        )
        for section in await reads.fetch_all(_SECTIONS, params)
    )
    return Roundup(
        id=row["id"],
        guild_id=row["guild_id"],
        week=row["week"],
        kind=RoundupKind(row["kind"]),
        title=row["title"],
        publisher=row["publisher"],
        author=row["author"],
        copyright=row["copyright"],
        published_at=from_unix(row["published_at"]),
        sections=sections,
    )
