-- Lasting partnerships: two organisations that made matches in more than one
-- edition, or more than one exchange in a year. An exchange is a made match,
-- a two-way pair (a match and its way back) counted once. A match belongs to
-- the municipality and year of its edition, or without one to the asking
-- organisation's municipality and the year the makelaar confirmed it.
CREATE INDEX matches_return ON matches (return_match_id) WHERE return_match_id IS NOT NULL;
CREATE INDEX matches_offer ON matches (offer_id);

CREATE VIEW made_exchanges AS
SELECT least(oi.organisation_id, ri.organisation_id) AS org_a,
       greatest(oi.organisation_id, ri.organisation_id) AS org_b,
       m.id AS match_id,
       m.event_id,
       coalesce(e.municipality_id, ro.municipality_id) AS municipality_id,
       extract(year FROM coalesce(e.date, m.confirmed_at::date, m.created_at::date))::int AS year,
       least(m.id, coalesce(m.return_match_id, m.id),
             coalesce((SELECT min(b.id) FROM matches b WHERE b.return_match_id = m.id), m.id)) AS exchange
FROM matches m
JOIN items oi ON oi.id = m.offer_id
JOIN items ri ON ri.id = m.request_id
JOIN organisations ro ON ro.id = ri.organisation_id
LEFT JOIN events e ON e.id = m.event_id
WHERE m.status IN ('confirmed', 'carried_out', 'not_carried_out')
  AND oi.organisation_id <> ri.organisation_id;
