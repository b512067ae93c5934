-- Weekly digest: the record that makes each (guild, week) post idempotent, its parts, and digest options.

-- One row per guild and ISO week, whatever happened to it: posted, missed or failed.
CREATE TABLE digest_posts (
    guild_id   BIGINT NOT NULL,
    week       TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'posting', 'posted', 'missed', 'failed')),
    channel_id BIGINT,
    edition    BIGINT NOT NULL DEFAULT 1 CHECK (edition >= 1),
    part_count BIGINT NOT NULL DEFAULT 0 CHECK (part_count >= 0),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    last_error TEXT,
    PRIMARY KEY (guild_id, week)
);
-- Start-up resumes what is unfinished: a handful of rows among years of posted ones.
CREATE INDEX digest_posts_unfinished ON digest_posts (state)
 WHERE state IN ('pending', 'posting', 'failed');

-- One row per message of a post. The nonce and marker are written before the message is
-- sent, the message id right after: a row without message id is a part in doubt.
CREATE TABLE digest_parts (
    guild_id   BIGINT NOT NULL,
    week       TEXT NOT NULL,
    edition    BIGINT NOT NULL,
    part       BIGINT NOT NULL CHECK (part >= 0),
    nonce      TEXT NOT NULL,
    marker     TEXT NOT NULL,
    message_id BIGINT,
    PRIMARY KEY (guild_id, week, edition, part),
    FOREIGN KEY (guild_id, week) REFERENCES digest_posts (guild_id, week) ON DELETE CASCADE
);

ALTER TABLE guild_settings ADD COLUMN digest_thread BIGINT NOT NULL DEFAULT 0
    CHECK (digest_thread IN (0, 1));
ALTER TABLE guild_settings ADD COLUMN digest_max_sections BIGINT NOT NULL DEFAULT 5
    CHECK (digest_max_sections BETWEEN 1 AND 10);
ALTER TABLE guild_settings ADD COLUMN digest_max_items BIGINT NOT NULL DEFAULT 5
    CHECK (digest_max_items BETWEEN 1 AND 10);
-- When /setup digest last set the schedule (unix seconds): no missed post is reported before.
ALTER TABLE guild_settings ADD COLUMN digest_scheduled_since BIGINT;
