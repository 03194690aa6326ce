-- A spreadsheet a makelaar uploaded for an edition, kept as CSV text between
-- the preview and the confirmation (the server re-reads it then, trusting
-- nothing the browser sends back). Removed once imported, and after a day.
CREATE TABLE uploads (
    id         bigserial PRIMARY KEY,
    event_id   bigint NOT NULL REFERENCES events ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    content    text NOT NULL CHECK (length(content) <= 20000000),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX uploads_created_at ON uploads (created_at);
