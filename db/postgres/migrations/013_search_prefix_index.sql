-- SQLite's FTS5 index gains a prefix index for one-character Korean queries; the GIN index here already answers them (db/postgres/search.py), so this twin only keeps the numbers in step.
SELECT 1;
