-- Lasting partnerships (store::partnerships) look up a match's way back and
-- an organisation's matches as the giving party.
CREATE INDEX matches_return ON matches (return_match_id) WHERE return_match_id IS NOT NULL;
CREATE INDEX matches_offer ON matches (offer_id);
