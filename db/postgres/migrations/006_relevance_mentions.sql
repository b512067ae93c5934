-- Issue 14: each headline's tech relevance and its passing company mentions, stored at ingest; each server's digest strictness.

-- PostgreSQL twin of db/migrations/006_relevance_mentions.sql. SQLite's REAL is an 8-byte
-- float: DOUBLE PRECISION here, so that a relevance reads back (and copies) the same.

-- 0..1, computed from the words at ingest (news.catalog.relevance). Rows stored before
-- count as relevant: they were filed before anyone could tell.
ALTER TABLE headlines ADD COLUMN relevance DOUBLE PRECISION NOT NULL DEFAULT 1.0
    CHECK (relevance BETWEEN 0.0 AND 1.0);

-- Companies a headline names only in passing. headline_companies keeps the companies it is
-- about, so /company and company alerts read subjects only, as before.
CREATE TABLE headline_mentions (
    headline_id BIGINT NOT NULL REFERENCES headlines (id) ON DELETE CASCADE,
    company_id  BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    PRIMARY KEY (headline_id, company_id)
);

-- How tech a story must be for the server's compiled digest (/setup digest-options).
ALTER TABLE guild_settings ADD COLUMN digest_relevance TEXT NOT NULL DEFAULT 'normal'
    CHECK (digest_relevance IN ('off', 'low', 'normal', 'strict'));
