-- Servers kept apart: every roundup of a week kept, a headline's text owned by the roundup that filed it, companies and aliases a server adds owned by that server.

-- PostgreSQL twin of db/migrations/007_roundup_owned_headlines.sql. Steps 1 and 2 are the
-- same; a copied headline carries its index row (terms and keys, tags included) under its
-- own sort key. Step 3 needs no rebuild here: the UNIQUE constraints are dropped and the
-- same partial unique indexes take their place.

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
ALTER TABLE headlines ADD COLUMN roundup_id BIGINT REFERENCES roundups (id) ON DELETE CASCADE;
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

-- The copy's index row: the same terms, and the same keys (its tags are the original's,
-- copied to headline_companies and headline_topics below).
INSERT INTO headline_search (sort_key, terms, keys)
SELECT copy.sort_key, f.terms, f.keys
  FROM copies AS c
  JOIN headlines AS h ON h.id = c.headline_id
  JOIN headlines AS copy ON copy.id = c.new_id
  JOIN headline_search AS f ON f.sort_key = h.sort_key;

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
   SET headline_id = c.new_id
  FROM copies AS c JOIN roundup_sections AS s ON s.roundup_id = c.roundup_id
 WHERE s.id = roundup_items.section_id
   AND c.headline_id = roundup_items.headline_id;

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
-- servers may each add the same name. The tables that refer to companies keep their rows
-- and foreign keys: only the two UNIQUE constraints give way to partial unique indexes.
ALTER TABLE companies DROP CONSTRAINT companies_name_key;
ALTER TABLE companies ADD COLUMN guild_id BIGINT;
ALTER TABLE company_aliases DROP CONSTRAINT company_aliases_normalized_key;
ALTER TABLE company_aliases ADD COLUMN guild_id BIGINT;

CREATE UNIQUE INDEX companies_bundled_name ON companies (name) WHERE guild_id IS NULL;
CREATE UNIQUE INDEX companies_guild_name ON companies (guild_id, name) WHERE guild_id IS NOT NULL;
CREATE UNIQUE INDEX company_aliases_bundled ON company_aliases (normalized) WHERE guild_id IS NULL;
CREATE UNIQUE INDEX company_aliases_guild ON company_aliases (guild_id, normalized)
 WHERE guild_id IS NOT NULL;
