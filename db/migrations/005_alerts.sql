-- Topic alerts: subscriptions, each user's alert preferences, the matcher's inbox and the delivery outbox.

-- One row per user, server and thing followed. ``key`` is the normalised form that makes a
-- subscription unique ('topic:3', 'company:12', 'keyword:<terms>'); ``label`` is what the
-- user sees. A subscription whose DMs were refused with no alert channel to fall back on is
-- undeliverable until its owner subscribes again.
CREATE TABLE subscriptions (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('topic', 'company', 'keyword')),
    target_id     INTEGER,
    query         TEXT NOT NULL,
    key           TEXT NOT NULL,
    label         TEXT NOT NULL,
    delivery      TEXT NOT NULL CHECK (delivery IN ('dm', 'channel')),
    created_at    INTEGER NOT NULL,
    undeliverable INTEGER NOT NULL DEFAULT 0 CHECK (undeliverable IN (0, 1)),
    UNIQUE (guild_id, user_id, key)
) STRICT;

-- A person's alert preferences and their DM channel (cached: opening one costs a request).
-- quiet_start/quiet_end are minutes after local midnight in ``timezone``.
CREATE TABLE alert_users (
    user_id        INTEGER PRIMARY KEY,
    language       TEXT NOT NULL DEFAULT 'en',
    paused_until   INTEGER,
    quiet_start    INTEGER CHECK (quiet_start BETWEEN 0 AND 1439),
    quiet_end      INTEGER CHECK (quiet_end BETWEEN 0 AND 1439),
    timezone       TEXT,
    dm_channel_id  INTEGER,
    dm_refused_at  INTEGER,
    -- What to tell the user at their next command (a DM refusal), and in which server.
    notice         TEXT,
    notice_guild   INTEGER
) STRICT;

-- Headlines stored since the matcher last ran (feeds after their first poll, imports): the
-- rows go in with the headline, in its transaction, and out with the alerts they made.
CREATE TABLE alert_inbox (
    headline_id INTEGER PRIMARY KEY REFERENCES headlines (id) ON DELETE CASCADE
) STRICT;

-- One message per batch: the nonce and channel are written before it is sent, the message
-- id once Discord returned it. A 'sending' batch after a crash is in doubt: it is looked for
-- in the channel before it is sent again with the same nonce.
CREATE TABLE alert_batches (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    guild_id   INTEGER,
    delivery   TEXT NOT NULL CHECK (delivery IN ('dm', 'channel')),
    channel_id INTEGER NOT NULL,
    nonce      TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
    message_id INTEGER,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER
) STRICT;
CREATE INDEX alert_batches_in_doubt ON alert_batches (id) WHERE state = 'sending';
-- The hourly cap counts a user's recent messages.
CREATE INDEX alert_batches_user_recent ON alert_batches (user_id, created_at);

-- Every headline a user is to hear about, once: the primary key is the promise never to tell
-- anybody the same headline twice. batch_id is NULL while it waits for its message.
CREATE TABLE alert_outbox (
    user_id         INTEGER NOT NULL,
    headline_id     INTEGER NOT NULL REFERENCES headlines (id) ON DELETE CASCADE,
    guild_id        INTEGER NOT NULL,
    subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE SET NULL,
    delivery        TEXT NOT NULL CHECK (delivery IN ('dm', 'channel')),
    queued_at       INTEGER NOT NULL,
    batch_id        INTEGER REFERENCES alert_batches (id),
    PRIMARY KEY (user_id, headline_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX alert_outbox_waiting ON alert_outbox (queued_at) WHERE batch_id IS NULL;
CREATE INDEX alert_outbox_batch ON alert_outbox (batch_id) WHERE batch_id IS NOT NULL;
