-- A week's headlines are read with the roundup that listed each (stories, after every feed poll): index the items by headline.
CREATE INDEX roundup_items_headline ON roundup_items (headline_id);
