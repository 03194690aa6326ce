-- Secrets every instance of the server shares, made once by the first
-- instance that needs one (see web/visitor_token.rs). Today: the key that
-- signs the form tokens of visitors who are not signed in.
CREATE TABLE server_keys (
    name text PRIMARY KEY,
    key bytea NOT NULL CHECK (length(key) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
