-- Stored suggestions: a pair's score and reasons are computed once (around
-- the item that was posted, edited or first viewed) and every page reads
-- them, so a pair has one score everywhere and a suggestion shows from both
-- sides.
CREATE TABLE suggestions (
    offer_id    bigint NOT NULL REFERENCES items ON DELETE CASCADE,
    request_id  bigint NOT NULL REFERENCES items ON DELETE CASCADE,
    score       real NOT NULL CHECK (score BETWEEN 0 AND 1),
    reasons     text[] NOT NULL DEFAULT '{}',
    computed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (offer_id, request_id)
);
CREATE INDEX suggestions_request ON suggestions (request_id);

-- When an item's own suggestions were last computed; older than its
-- updated_at means they are due again.
ALTER TABLE items ADD COLUMN suggested_at timestamptz;
