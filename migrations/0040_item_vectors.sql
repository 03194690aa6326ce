-- Sentence-encoder vectors of items (USE multilingual v3, 512 dimensions),
-- a second matching signal that needs no shared word. One row per item,
-- computed from the text `item_encoder_text` gives; `text_md5` tells a
-- vector whose item was edited since (it is then not used, and recomputed).
CREATE FUNCTION item_encoder_text(title text, description text, theme text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT btrim(title || '. ' || coalesce(description, '') || ' ' || coalesce(theme, '')) $$;

CREATE TABLE item_vectors (
    item_id bigint PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    text_md5 text NOT NULL,
    -- 512 signed bytes: the unit vector scaled so its largest component is
    -- 127 (only directions are compared).
    vector bytea NOT NULL CHECK (length(vector) = 512),
    computed_at timestamptz NOT NULL DEFAULT now()
);
