-- Servers' own company tags on the shared feed headlines: what a server's added companies and spellings find in a feed entry, seen by that server only.

-- PostgreSQL twin of db/migrations/010_guild_headline_companies.sql.

-- A feed entry is one headline row for every server following the feed, and its
-- headline_companies are the bundled catalogue's tags, the same for all of them. What a
-- server's own additions (companies.guild_id, company_aliases.guild_id) recognise in it
-- beyond those is kept here, per server. sort_key repeats the headline's, as
-- headline_companies does, so that a company's newest headlines come from the index alone.
CREATE TABLE guild_headline_companies (
    guild_id    BIGINT NOT NULL,
    headline_id BIGINT NOT NULL REFERENCES headlines (id) ON DELETE CASCADE,
    company_id  BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    sort_key    BIGINT NOT NULL,
    PRIMARY KEY (guild_id, headline_id, company_id)
);

CREATE INDEX guild_headline_companies_newest
    ON guild_headline_companies (guild_id, company_id, sort_key);
CREATE INDEX guild_headline_companies_headline ON guild_headline_companies (headline_id);
CREATE INDEX guild_headline_companies_company ON guild_headline_companies (company_id);
