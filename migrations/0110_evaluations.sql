-- What the parties of a carried-out match thought of it: two questions per
-- side (how satisfied, 1-5; would you do it again) and an optional line for
-- the makelaar. The row exists from the moment the evaluation is asked (the
-- match is marked carried out), so "asked" and "received" are both counts of
-- this table; the answer fills it in and may be changed for 14 days.
CREATE TABLE match_evaluations (
    id              bigserial PRIMARY KEY,
    match_id        bigint NOT NULL REFERENCES matches ON DELETE CASCADE,
    side            text NOT NULL CHECK (side IN ('offer_party', 'request_party')),
    asked_at        timestamptz NOT NULL DEFAULT now(),
    satisfied       smallint CHECK (satisfied BETWEEN 1 AND 5),
    again           boolean,
    remark          text CHECK (char_length(remark) BETWEEN 1 AND 500),
    answered_at     timestamptz,
    changed_at      timestamptz,
    -- Who answered and through which door: an account, or a personal link
    -- (then the name is the organisation's, as in the match history).
    channel         text CHECK (channel IN ('account', 'link')),
    answered_by     bigint REFERENCES users ON DELETE SET NULL,
    link_id         bigint REFERENCES access_links ON DELETE SET NULL,
    answered_name   text,
    CONSTRAINT match_evaluations_one_per_side UNIQUE (match_id, side),
    CONSTRAINT match_evaluations_whole_answer CHECK (
        (answered_at IS NULL AND satisfied IS NULL AND again IS NULL AND channel IS NULL
         AND remark IS NULL)
        OR (answered_at IS NOT NULL AND satisfied IS NOT NULL AND again IS NOT NULL
            AND channel IS NOT NULL))
);
