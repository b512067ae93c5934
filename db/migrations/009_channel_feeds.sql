-- Channel feeds: a feed's new stories posted to a channel as they arrive, one message per story.

-- The feed's image (RSS image, Atom icon), the avatar of its webhook posts.
ALTER TABLE sources ADD COLUMN icon_url TEXT;

-- How one server's feed posts: where (NULL: it does not), what (filters), how (a template
-- instead of the embed, through a webhook). Items arriving before ``since`` are only filed.
-- ``broken`` says why the channel refused a post (nothing is queued meanwhile), and
-- ``broken_told`` / ``webhook_told`` that the admins heard of it once.
CREATE TABLE channel_feeds (
    guild_id     INTEGER NOT NULL,
    source_id    INTEGER NOT NULL,
    channel_id   INTEGER,
    include      TEXT NOT NULL DEFAULT '',
    exclude      TEXT NOT NULL DEFAULT '',
    template     TEXT,
    webhook      INTEGER NOT NULL DEFAULT 0 CHECK (webhook IN (0, 1)),
    since        INTEGER NOT NULL,
    broken       TEXT,
    broken_told  INTEGER NOT NULL DEFAULT 0 CHECK (broken_told IN (0, 1)),
    webhook_told INTEGER NOT NULL DEFAULT 0 CHECK (webhook_told IN (0, 1)),
    PRIMARY KEY (guild_id, source_id),
    FOREIGN KEY (guild_id, source_id)
        REFERENCES guild_sources (guild_id, source_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX channel_feeds_source ON channel_feeds (source_id) WHERE channel_id IS NOT NULL;

-- Stories a feed brought for the first time, written in the transaction that files them
-- (only for sources some channel posts), until the channel matcher turns them into outbox rows.
CREATE TABLE channel_inbox (
    source_id   INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    headline_id INTEGER NOT NULL REFERENCES headlines (id) ON DELETE CASCADE,
    queued_at   INTEGER NOT NULL,
    PRIMARY KEY (source_id, headline_id)
) STRICT, WITHOUT ROWID;

-- One message per story and channel: the nonce is written before it is sent, the message id
-- once Discord returned it. 'sending' after a crash is in doubt (looked for by nonce, marker
-- or content before it is sent again); 'gone' when the message was deleted (a later report
-- of the story starts a new one); 'failed' when the channel refused it.
CREATE TABLE channel_posts (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    story_id    INTEGER NOT NULL,
    nonce       TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed', 'gone')),
    template    TEXT,
    via         TEXT NOT NULL CHECK (via IN ('bot', 'webhook')),
    language    TEXT NOT NULL,
    message_id  INTEGER,
    webhook_id  INTEGER,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER
) STRICT;
CREATE INDEX channel_posts_story ON channel_posts (channel_id, story_id, created_at);
CREATE INDEX channel_posts_in_doubt ON channel_posts (id) WHERE state = 'sending';

-- Every story a server's feed is to post, once: the primary key is the promise. post_id is
-- NULL while it waits; ``shown`` is 0 until the post's message shows it (sent, or edited to
-- add its outlet to the "also reported by" line).
CREATE TABLE channel_outbox (
    guild_id    INTEGER NOT NULL,
    source_id   INTEGER NOT NULL,
    headline_id INTEGER NOT NULL REFERENCES headlines (id) ON DELETE CASCADE,
    channel_id  INTEGER NOT NULL,
    queued_at   INTEGER NOT NULL,
    post_id     INTEGER REFERENCES channel_posts (id),
    shown       INTEGER NOT NULL DEFAULT 0 CHECK (shown IN (0, 1)),
    PRIMARY KEY (guild_id, source_id, headline_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX channel_outbox_waiting ON channel_outbox (queued_at) WHERE post_id IS NULL;
CREATE INDEX channel_outbox_post ON channel_outbox (post_id) WHERE post_id IS NOT NULL;
