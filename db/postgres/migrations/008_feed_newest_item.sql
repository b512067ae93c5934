-- Issue 17: the newest date each feed has given, so that an item dated before it is filed under its own week but never announced as news.

-- PostgreSQL twin of db/migrations/008_feed_newest_item.sql.

ALTER TABLE sources ADD COLUMN newest_item_at BIGINT;

-- Feeds polled before this migration start from the newest story they brought.
UPDATE sources
   SET newest_item_at = (
       SELECT max(h.published_at)
         FROM headline_sources AS hs JOIN headlines AS h ON h.id = hs.headline_id
        WHERE hs.source_id = sources.id)
 WHERE kind = 'feed';
