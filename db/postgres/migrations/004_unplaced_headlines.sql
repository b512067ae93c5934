-- Feeds look for the week's headlines not yet placed in a story after every poll: index them.
CREATE INDEX headlines_unplaced ON headlines (sort_key) WHERE cluster_id IS NULL;
