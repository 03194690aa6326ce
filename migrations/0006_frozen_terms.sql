-- Agreed terms and texts of a confirmed match are frozen: a change is a new
-- agreement both parties accept, kept in the history; stated figures have
-- sane upper bounds.

-- The texts both parties agreed to, fixed at confirmation: editing an item
-- later does not change the other party's matchformulier.
ALTER TABLE matches
    ADD COLUMN offer_title_agreed   text,
    ADD COLUMN request_title_agreed text;
UPDATE matches mt SET offer_title_agreed = oi.title, request_title_agreed = ri.title
FROM items oi, items ri
WHERE oi.id = mt.offer_id AND ri.id = mt.request_id AND mt.confirmed_at IS NOT NULL;

-- One match is at most a year of full-time work and € 50.000 of materials;
-- checked for new writes (older rows stay as they were).
ALTER TABLE matches
    ADD CONSTRAINT matches_hours_bound CHECK (terms_hours <= 2000) NOT VALID,
    ADD CONSTRAINT matches_value_bound CHECK (value_euros <= 50000) NOT VALID;

-- A proposed change of the terms of a confirmed match.
CREATE TABLE term_changes (
    id                bigserial PRIMARY KEY,
    match_id          bigint NOT NULL REFERENCES matches ON DELETE CASCADE,
    proposed_by       bigint REFERENCES users ON DELETE SET NULL,
    proposed_by_role  text NOT NULL CHECK (proposed_by_role IN ('offer_party', 'request_party', 'makelaar')),
    terms_what        text CHECK (length(terms_what) <= 1000),
    terms_when        date,
    terms_hours       integer CHECK (terms_hours BETWEEN 0 AND 2000),
    value_euros       numeric(10,2) CHECK (value_euros BETWEEN 0 AND 50000),
    offer_agreed_at   timestamptz,
    request_agreed_at timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    applied_at        timestamptz,
    withdrawn_at      timestamptz
);
-- At most one open change per match.
CREATE UNIQUE INDEX term_changes_one_open ON term_changes (match_id)
    WHERE applied_at IS NULL AND withdrawn_at IS NULL;
