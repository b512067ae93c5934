-- SQLite's FTS5 index gains a prefix index for one-character Korean queries and a column of word pairs for quoted phrases; the GIN index here answers both its own way (db/postgres/search.py), so this twin only keeps the numbers in step.
SELECT 1;
