-- Scale-out: leases on background work (with fencing tokens), live processes, and each server's next digest time.

-- Who does a unit of background work ('digest' of a guild, 'feed' poll of a source, the
-- 'alerts' pass, the 'channels' posting pass) and until when. A claim takes a row whose
-- lease has expired and raises its token by one; every write of that work checks that the
-- token is still its own (fencing).
-- A released lease keeps its row (and its token), expired at once.
CREATE TABLE leases (
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    holder     TEXT NOT NULL,
    token      BIGINT NOT NULL CHECK (token >= 1),
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (kind, key)
);

-- One row per running bot process, refreshed by its heartbeat: the processes seen in the
-- last few lease periods share the Discord rate budget.
CREATE TABLE processes (
    holder     TEXT PRIMARY KEY,
    shards     TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL
);

-- When each server's next weekly digest is due (unix seconds, UTC), computed from its
-- settings (weekday, hour, time zone). Whichever process claims the server's digest lease
-- once the time has come posts it and moves the row on.
CREATE TABLE digest_schedule (
    guild_id       BIGINT PRIMARY KEY,
    next_digest_at BIGINT NOT NULL
);
CREATE INDEX digest_schedule_due ON digest_schedule (next_digest_at);
