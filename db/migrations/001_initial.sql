-- Initial schema: companies, topics, sources, headlines and their search index, roundups, guild settings.

CREATE TABLE companies (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    english_name TEXT NOT NULL DEFAULT ''
) STRICT;

-- Every spelling of a company, its canonical and English names included, so that one
-- normalised form can never name two companies. Listed in insertion (rowid) order.
CREATE TABLE company_aliases (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    alias      TEXT NOT NULL,
    normalized TEXT NOT NULL UNIQUE,
    language   TEXT NOT NULL
) STRICT;
CREATE INDEX company_aliases_company ON company_aliases (company_id);

CREATE TABLE topics (
    id      INTEGER PRIMARY KEY,
    key     TEXT NOT NULL UNIQUE,
    name_en TEXT NOT NULL,
    name_ko TEXT NOT NULL
) STRICT;

CREATE TABLE topic_keywords (
    id         INTEGER PRIMARY KEY,
    topic_id   INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    keyword    TEXT NOT NULL,
    normalized TEXT NOT NULL,
    UNIQUE (topic_id, normalized)
) STRICT;

-- A feed, or the imported articles of one guild (key 'import:guild:<id>').
CREATE TABLE sources (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('import', 'feed')),
    key           TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL DEFAULT '',
    etag          TEXT,
    last_modified TEXT,
    next_poll_at  INTEGER,
    failure_count INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT
) STRICT;

-- A guild sees exactly the headlines of the sources it follows.
CREATE TABLE guild_sources (
    guild_id  INTEGER NOT NULL,
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    PRIMARY KEY (guild_id, source_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX guild_sources_source ON guild_sources (source_id);

-- sort_key = (published_at // 60) * 2^32 + id: unique, newest-first order by itself, and the
-- rowid of headline_search, so the search index returns rows already in date order and a
-- week is a range of it. The CHECK keeps the id in the low 32 bits, which makes it unique.
CREATE TABLE headlines (
    id           INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 4294967295),
    dedupe_key   TEXT NOT NULL UNIQUE,
    url          TEXT,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    language     TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    week         TEXT NOT NULL,
    sort_key     INTEGER NOT NULL UNIQUE CHECK (sort_key & 4294967295 = id),
    cluster_id   INTEGER
) STRICT;

-- The link tables below have an index only where a read needs one: each index slows every
-- import, and deleting a source, topic or headline (rare) can afford a scan instead.
CREATE TABLE headline_sources (
    headline_id INTEGER NOT NULL REFERENCES headlines (id) ON DELETE CASCADE,
    source_id   INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    PRIMARY KEY (headline_id, source_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE headline_companies (
    headline_id INTEGER NOT NULL REFERENCES headlines (id) ON DELETE CASCADE,
    company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    sort_key    INTEGER NOT NULL,
    PRIMARY KEY (headline_id, company_id)
) STRICT, WITHOUT ROWID;
-- A company's headlines newest first, and its count in a week, straight from this index.
CREATE INDEX headline_companies_newest ON headline_companies (company_id, sort_key);

CREATE TABLE headline_topics (
    headline_id INTEGER NOT NULL REFERENCES headlines (id) ON DELETE CASCADE,
    topic_id    INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    PRIMARY KEY (headline_id, topic_id)
) STRICT, WITHOUT ROWID;

-- Full-text index, rowid = headlines.sort_key. terms holds search_index.index_terms(title and
-- summary): Latin words, and Hangul/CJK runs as overlapping bigrams, so any Korean substring
-- is a phrase of tokens. tags holds 'c<company id>' and 't<topic id>' so that filters are
-- intersected inside the index. columnsize=0: we never rank by bm25.
CREATE VIRTUAL TABLE headline_search USING fts5 (
    terms,
    tags,
    tokenize = 'unicode61 remove_diacritics 2',
    columnsize = 0
);

CREATE TABLE roundups (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    week         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('imported', 'compiled')),
    slug         TEXT NOT NULL,
    title        TEXT NOT NULL,
    publisher    TEXT,
    author       TEXT,
    copyright    TEXT,
    published_at INTEGER NOT NULL,
    UNIQUE (guild_id, week, kind, slug)
) STRICT;

CREATE TABLE roundup_sections (
    id         INTEGER PRIMARY KEY,
    roundup_id INTEGER NOT NULL REFERENCES roundups (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT,
    commentary TEXT NOT NULL DEFAULT '',
    UNIQUE (roundup_id, position)
) STRICT;

-- Companies named in a section's commentary.
CREATE TABLE roundup_section_companies (
    section_id INTEGER NOT NULL REFERENCES roundup_sections (id) ON DELETE CASCADE,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    PRIMARY KEY (section_id, company_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX roundup_section_companies_company ON roundup_section_companies (company_id);

CREATE TABLE roundup_items (
    section_id  INTEGER NOT NULL REFERENCES roundup_sections (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    headline_id INTEGER NOT NULL REFERENCES headlines (id) ON DELETE CASCADE,
    PRIMARY KEY (section_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    digest_channel_id INTEGER,
    digest_weekday    INTEGER NOT NULL CHECK (digest_weekday BETWEEN 0 AND 6),
    digest_hour       INTEGER NOT NULL CHECK (digest_hour BETWEEN 0 AND 23),
    timezone          TEXT NOT NULL,
    language          TEXT NOT NULL,
    alert_channel_id  INTEGER
) STRICT;

-- A headline as the repositories return it: its companies and topics as JSON arrays.
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

-- Which guild may see which headline: through the sources it follows. Asked about one
-- headline at a time, so CROSS JOIN makes SQLite start from the headline's few sources rather
-- than from every source the guild follows.
CREATE VIEW guild_headlines AS
SELECT gs.guild_id, hs.headline_id
  FROM headline_sources AS hs CROSS JOIN guild_sources AS gs ON gs.source_id = hs.source_id;
