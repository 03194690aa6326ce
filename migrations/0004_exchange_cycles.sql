-- Exchange cycles (kringruil): the three matches of a cycle proposed together
-- carry the id of the cycle's first match.
ALTER TABLE matches ADD COLUMN cycle_id bigint REFERENCES matches ON DELETE SET NULL;
CREATE INDEX matches_cycle ON matches (cycle_id) WHERE cycle_id IS NOT NULL;
