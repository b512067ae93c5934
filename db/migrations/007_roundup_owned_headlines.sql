-- Servers kept apart: every roundup of a week kept, a headline's text owned by the roundup that filed it, companies and aliases a server adds owned by that server.

-- 1. Roundups. The same article is the same web address (url), or the same publisher, title
-- and week (compared by the code); anything else is another roundup of the week, so the
-- slug no longer decides. The UNIQUE (guild_id, week, kind, slug) stays: new slugs carry the
-- publisher and the address, which a different article never shares.
ALTER TABLE roundups ADD COLUMN url TEXT;
CREATE INDEX roundups_guild_url ON roundups (guild_id, url) WHERE url IS NOT NULL;
CREATE INDEX roundups_guild_week ON roundups (guild_id, week);

-- 2. Headlines an import filed belong to its roundup (roundup_id; dedupe_key
-- 'roundup:<id>:<url or title key>'), so that no other import, in this server or another,
-- rewrites their title, summary or tags. Feed headlines (roundup_id NULL) stay shared by URL:
-- a feed's entry reads the same for every server that follows the feed.
ALTER TABLE headlines ADD COLUMN roundup_id INTEGER REFERENCES roundups (id) ON DELETE CASCADE;
CREATE INDEX headlines_roundup ON headlines (roundup_id) WHERE roundup_id IS NOT NULL;

-- Existing rows were shared by URL: every roundup that lists one gets a row of its own. The
-- first roundup (lowest id) keeps the row itself unless a feed brought it too; each other
-- roundup gets a copy with the text, tags, story and index terms the row has now.
CREATE TEMP TABLE filed AS
SELECT DISTINCT i.headline_id, s.roundup_id
  FROM roundup_items AS i JOIN roundup_sections AS s ON s.id = i.section_id;

CREATE TEMP TABLE fed AS
SELECT DISTINCT hs.headline_id
  FROM headline_sources AS hs JOIN sources AS src ON src.id = hs.source_id
 WHERE src.kind = 'feed';

CREATE TEMP TABLE copies AS
SELECT f.headline_id, f.roundup_id,
       (SELECT coalesce(max(id), 0) FROM headlines)
       + row_number() OVER (ORDER BY f.headline_id, f.roundup_id) AS new_id
  FROM filed AS f
 WHERE f.headline_id IN (SELECT headline_id FROM fed)
    OR f.roundup_id > (SELECT min(g.roundup_id) FROM filed AS g
                        WHERE g.headline_id = f.headline_id);

INSERT INTO headlines (id, dedupe_key, url, title, summary, language, published_at, week,
                       sort_key, cluster_id, roundup_id, relevance)
SELECT c.new_id, 'roundup:' || c.roundup_id || ':' || h.dedupe_key, h.url, h.title, h.summary,
       h.language, h.published_at, h.week, ((h.published_at / 60) << 32) + c.new_id,
       h.cluster_id, c.roundup_id, h.relevance
  FROM copies AS c JOIN headlines AS h ON h.id = c.headline_id;

INSERT INTO headline_search (rowid, terms, tags)
SELECT copy.sort_key, f.terms, f.tags
  FROM copies AS c
  JOIN headlines AS h ON h.id = c.headline_id
  JOIN headlines AS copy ON copy.id = c.new_id
  JOIN headline_search AS f ON f.rowid = h.sort_key;

INSERT INTO headline_companies (headline_id, company_id, sort_key)
SELECT c.new_id, hc.company_id, copy.sort_key
  FROM copies AS c
  JOIN headline_companies AS hc ON hc.headline_id = c.headline_id
  JOIN headlines AS copy ON copy.id = c.new_id;

INSERT INTO headline_topics (headline_id, topic_id)
SELECT c.new_id, ht.topic_id
  FROM copies AS c JOIN headline_topics AS ht ON ht.headline_id = c.headline_id;

INSERT INTO headline_mentions (headline_id, company_id)
SELECT c.new_id, hm.company_id
  FROM copies AS c JOIN headline_mentions AS hm ON hm.headline_id = c.headline_id;

INSERT INTO headline_sources (headline_id, source_id)
SELECT c.new_id, src.id
  FROM copies AS c
  JOIN roundups AS r ON r.id = c.roundup_id
  JOIN sources AS src ON src.key = 'import:guild:' || r.guild_id
ON CONFLICT DO NOTHING;

UPDATE roundup_items
   SET headline_id = (SELECT c.new_id
                        FROM copies AS c JOIN roundup_sections AS s ON s.roundup_id = c.roundup_id
                       WHERE s.id = roundup_items.section_id
                         AND c.headline_id = roundup_items.headline_id)
 WHERE EXISTS (SELECT 1
                 FROM copies AS c JOIN roundup_sections AS s ON s.roundup_id = c.roundup_id
                WHERE s.id = roundup_items.section_id
                  AND c.headline_id = roundup_items.headline_id);

-- A copied row stays visible to a server's imports only while one of its roundups lists it.
DELETE FROM headline_sources
 WHERE headline_id IN (SELECT headline_id FROM copies)
   AND source_id IN (SELECT id FROM sources WHERE kind = 'import')
   AND NOT EXISTS (
       SELECT 1
         FROM roundup_items AS i
         JOIN roundup_sections AS s ON s.id = i.section_id
         JOIN roundups AS r ON r.id = s.roundup_id
         JOIN sources AS src ON src.key = 'import:guild:' || r.guild_id
        WHERE i.headline_id = headline_sources.headline_id
          AND src.id = headline_sources.source_id);

-- The rows kept by their first roundup become that roundup's own.
UPDATE headlines
   SET roundup_id = (SELECT min(f.roundup_id) FROM filed AS f WHERE f.headline_id = headlines.id)
 WHERE roundup_id IS NULL
   AND id IN (SELECT headline_id FROM filed)
   AND id NOT IN (SELECT headline_id FROM fed);
UPDATE headlines
   SET dedupe_key = 'roundup:' || roundup_id || ':' || dedupe_key
 WHERE roundup_id IS NOT NULL AND dedupe_key NOT LIKE 'roundup:%';

DROP TABLE copies;
DROP TABLE fed;
DROP TABLE filed;

-- 3. Companies and aliases a server adds (guild_id; NULL for the bundled catalogue). A name or
-- spelling is unique within the bundled catalogue and within one server's additions, so two
-- servers may each add the same name. SQLite cannot drop a UNIQUE constraint, so the two
-- tables are rebuilt; the tables that refer to companies are rebuilt first, pointing at the
-- new table, so that dropping the old one cascades to nothing (foreign keys stay on).
DROP VIEW headline_view;

CREATE TABLE companies_new (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    english_name TEXT NOT NULL DEFAULT '',
    guild_id     INTEGER
) STRICT;
INSERT INTO companies_new (id, name, english_name) SELECT id, name, english_name FROM companies;

CREATE TABLE company_aliases_new (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies_new (id) ON DELETE CASCADE,
    alias      TEXT NOT NULL,
    normalized TEXT NOT NULL,
    language   TEXT NOT NULL,
    guild_id   INTEGER
) STRICT;
INSERT INTO company_aliases_new (id, company_id, alias, normalized, language)
SELECT id, company_id, alias, normalized, language FROM company_aliases;
DROP TABLE company_aliases;
ALTER TABLE company_aliases_new RENAME TO company_aliases;

CREATE TABLE headline_companies_new (
    headline_id INTEGER NOT NULL REFERENCES headlines (id) ON DELETE CASCADE,
    company_id  INTEGER NOT NULL REFERENCES companies_new (id) ON DELETE CASCADE,
    sort_key    INTEGER NOT NULL,
    PRIMARY KEY (headline_id, company_id)
) STRICT, WITHOUT ROWID;
INSERT INTO headline_companies_new (headline_id, company_id, sort_key)
SELECT headline_id, company_id, sort_key FROM headline_companies;
DROP TABLE headline_companies;
ALTER TABLE headline_companies_new RENAME TO headline_companies;

CREATE TABLE headline_mentions_new (
    headline_id INTEGER NOT NULL REFERENCES headlines (id) ON DELETE CASCADE,
    company_id  INTEGER NOT NULL REFERENCES companies_new (id) ON DELETE CASCADE,
    PRIMARY KEY (headline_id, company_id)
) STRICT, WITHOUT ROWID;
INSERT INTO headline_mentions_new (headline_id, company_id)
SELECT headline_id, company_id FROM headline_mentions;
DROP TABLE headline_mentions;
ALTER TABLE headline_mentions_new RENAME TO headline_mentions;

CREATE TABLE roundup_section_companies_new (
    section_id INTEGER NOT NULL REFERENCES roundup_sections (id) ON DELETE CASCADE,
    company_id INTEGER NOT NULL REFERENCES companies_new (id) ON DELETE CASCADE,
    PRIMARY KEY (section_id, company_id)
) STRICT, WITHOUT ROWID;
INSERT INTO roundup_section_companies_new (section_id, company_id)
SELECT section_id, company_id FROM roundup_section_companies;
DROP TABLE roundup_section_companies;
ALTER TABLE roundup_section_companies_new RENAME TO roundup_section_companies;

DROP TABLE companies;
ALTER TABLE companies_new RENAME TO companies;

CREATE UNIQUE INDEX companies_bundled_name ON companies (name) WHERE guild_id IS NULL;
CREATE UNIQUE INDEX companies_guild_name ON companies (guild_id, name) WHERE guild_id IS NOT NULL;
CREATE UNIQUE INDEX company_aliases_bundled ON company_aliases (normalized) WHERE guild_id IS NULL;
CREATE UNIQUE INDEX company_aliases_guild ON company_aliases (guild_id, normalized)
 WHERE guild_id IS NOT NULL;
CREATE INDEX company_aliases_company ON company_aliases (company_id);
CREATE INDEX headline_companies_newest ON headline_companies (company_id, sort_key);
CREATE INDEX roundup_section_companies_company ON roundup_section_companies (company_id);

CREATE VIEW headline_view AS
SELECT
    h.id,
    h.title,
    h.url,
    h.summary,
    h.language,
    h.published_at,
    h.week,
    h.sort_key,
    (SELECT json_group_array(c.name)
       FROM headline_companies AS hc JOIN companies AS c ON c.id = hc.company_id
      WHERE hc.headline_id = h.id) AS companies_json,
    (SELECT json_group_array(t.key)
       FROM headline_topics AS ht JOIN topics AS t ON t.id = ht.topic_id
      WHERE ht.headline_id = h.id) AS topics_json
FROM headlines AS h;
