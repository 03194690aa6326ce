-- Privacy (AVG) and abuse limits: deleted accounts, the gemeente's reads of
-- organisation data, and rate-limited actions.

-- Set when an account is deleted: its personal data is gone, the row stays so
-- that match history keeps its (anonymous) actor.
ALTER TABLE users ADD COLUMN deleted_at timestamptz;

-- Who of a municipality read which organisation's page, and when.
CREATE TABLE access_log (
    id              bigserial PRIMARY KEY,
    user_id         bigint REFERENCES users ON DELETE SET NULL,
    organisation_id bigint NOT NULL REFERENCES organisations ON DELETE CASCADE,
    what            text NOT NULL CHECK (length(what) <= 200),
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX access_log_organisation ON access_log (organisation_id, at);
CREATE INDEX access_log_user ON access_log (user_id, at);

-- Limited actions (posting an item, registering), counted per key (an
-- account or an IP address) over a sliding window.
CREATE TABLE rate_events (
    kind text NOT NULL CHECK (kind IN ('item', 'register')),
    key  text NOT NULL CHECK (length(key) <= 300),
    at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rate_events_key ON rate_events (kind, key, at);
