-- Feeds: what a feed says about itself, its polling health, and who follows it under what name.

ALTER TABLE sources ADD COLUMN site_link TEXT;
ALTER TABLE sources ADD COLUMN ttl_minutes BIGINT;
ALTER TABLE sources ADD COLUMN last_success_at BIGINT;
-- Successful polls in a row that brought nothing new: a quiet feed is polled less often.
ALTER TABLE sources ADD COLUMN quiet_polls BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN paused BIGINT NOT NULL DEFAULT 0 CHECK (paused IN (0, 1));

ALTER TABLE guild_sources ADD COLUMN name TEXT;
ALTER TABLE guild_sources ADD COLUMN added_by BIGINT;
ALTER TABLE guild_sources ADD COLUMN added_at BIGINT;

-- The poller's question every minute: which unpaused feeds are due.
CREATE INDEX sources_due ON sources (next_poll_at) WHERE kind = 'feed' AND paused = 0;
