-- A one-character Korean query (칩, 뱅) is a prefix query ("칩"*): without a prefix index FTS5 answers it by merging the doclists of every term that begins with the character, about 1 ms for its first page over a million headlines and most of the time of a search that pairs it with another word (AI 칩). prefix = '1' keeps a doclist for every one-character prefix, so such a query reads one doclist like any other term. The index grows by about two thirds; the table is rebuilt from its own stored terms.
CREATE VIRTUAL TABLE headline_search_rebuilt USING fts5 (
    terms,
    tags,
    tokenize = 'unicode61 remove_diacritics 2',
    columnsize = 0,
    prefix = '1'
);
INSERT INTO headline_search_rebuilt (rowid, terms, tags)
SELECT rowid, terms, tags FROM headline_search;
DROP TABLE headline_search;
ALTER TABLE headline_search_rebuilt RENAME TO headline_search;
INSERT INTO headline_search (headline_search) VALUES ('optimize');
