-- Servers' own company tags on the shared feed headlines: what a server's added companies and spellings find in a feed entry, seen by that server only.

-- A feed entry is one headline row for every server following the feed, and its
-- headline_companies are the bundled catalogue's tags, the same for all of them. What a
-- server's own additions (companies.guild_id, company_aliases.guild_id) recognise in it
-- beyond those is kept here, per server: /company, the company: filter of /headlines, the
-- companies shown on a headline and company alerts read them for that server only.
-- sort_key repeats the headline's, as headline_companies does, so that a company's newest
-- headlines come from the index alone.
CREATE TABLE guild_headline_companies (
    guild_id    INTEGER NOT NULL,
    headline_id INTEGER NOT NULL REFERENCES headlines (id) ON DELETE CASCADE,
    company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    sort_key    INTEGER NOT NULL,
    PRIMARY KEY (guild_id, headline_id, company_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX guild_headline_companies_newest
    ON guild_headline_companies (guild_id, company_id, sort_key);
-- The foreign keys' children, so that deleting a headline or a company finds its rows.
CREATE INDEX guild_headline_companies_headline ON guild_headline_companies (headline_id);
CREATE INDEX guild_headline_companies_company ON guild_headline_companies (company_id);
