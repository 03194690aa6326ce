-- Participants without an account: an edition's practical details, public
-- sign-up, personal links, interest in a suggestion, answers recorded on a
-- party's behalf, the digital matchformulier, and mail in text and HTML.

-- What a visitor needs to know about an edition.
ALTER TABLE events
    ADD COLUMN starts_at        time,
    ADD COLUMN ends_at          time,
    ADD COLUMN programme        text NOT NULL DEFAULT '' CHECK (length(programme) <= 4000),
    ADD COLUMN signup_deadline  date,
    ADD COLUMN max_participants integer CHECK (max_participants BETWEEN 1 AND 10000),
    ADD CONSTRAINT events_times CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at);

-- A Chamber of Commerce number catches a duplicate under another name; a
-- makelaar marks an organisation as checked.
ALTER TABLE organisations
    ADD COLUMN kvk        text CHECK (kvk ~ '^[0-9]{8}$'),
    ADD COLUMN checked_at timestamptz,
    ADD COLUMN checked_by bigint REFERENCES users ON DELETE SET NULL;
CREATE UNIQUE INDEX organisations_kvk ON organisations (kvk) WHERE kvk IS NOT NULL;
-- An organisation's name as compared: case and spacing folded. One
-- definition for the index and every lookup.
CREATE FUNCTION fold_name(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(regexp_replace(btrim($1), '\s+', ' ', 'g')) $$;
-- One organisation per name in a municipality.
CREATE UNIQUE INDEX organisations_name_per_municipality
    ON organisations (municipality_id, fold_name(name));

-- Personal links for contact persons without an account. Only the hash of
-- the token is kept; a link acts for one organisation, in one edition and
-- its follow-up, until it expires or the makelaar revokes it.
CREATE TABLE access_links (
    id              bigserial PRIMARY KEY,
    token_hash      text NOT NULL UNIQUE,
    organisation_id bigint NOT NULL REFERENCES organisations ON DELETE CASCADE,
    event_id        bigint REFERENCES events ON DELETE CASCADE,
    sent_to         text NOT NULL CHECK (length(sent_to) <= 254),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    revoked_by      bigint REFERENCES users ON DELETE SET NULL,
    last_used_at    timestamptz
);
CREATE INDEX access_links_organisation ON access_links (organisation_id);

-- Every public sign-up as typed. One that looks like an organisation we
-- already know waits for the makelaar to merge or refuse it.
CREATE TABLE signups (
    id              bigserial PRIMARY KEY,
    event_id        bigint NOT NULL REFERENCES events ON DELETE CASCADE,
    status          text NOT NULL CHECK (status IN ('accepted', 'duplicate', 'merged', 'refused')),
    organisation_id bigint REFERENCES organisations ON DELETE SET NULL,
    duplicate_of    bigint REFERENCES organisations ON DELETE SET NULL,
    form            jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    decided_by      bigint REFERENCES users ON DELETE SET NULL,
    decided_at      timestamptz,
    CHECK ((status = 'duplicate') = (duplicate_of IS NOT NULL AND decided_at IS NULL))
);
CREATE INDEX signups_event ON signups (event_id, status);

-- A party asked the makelaar for a suggested pair ("Interesse tonen").
CREATE TABLE interests (
    offer_id        bigint NOT NULL REFERENCES items ON DELETE CASCADE,
    request_id      bigint NOT NULL REFERENCES items ON DELETE CASCADE,
    organisation_id bigint NOT NULL REFERENCES organisations ON DELETE CASCADE,
    user_id         bigint REFERENCES users ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (offer_id, request_id, organisation_id)
);

-- A notification about a match is read when its match is opened.
ALTER TABLE notifications ADD COLUMN match_id bigint REFERENCES matches ON DELETE CASCADE;
CREATE INDEX notifications_match ON notifications (match_id) WHERE read_at IS NULL;

-- How a step was taken: by an account, through a personal link, or recorded
-- by the makelaar after a phone call, a mail or a conversation.
ALTER TABLE match_transitions
    ADD COLUMN channel    text NOT NULL DEFAULT 'account'
                          CHECK (channel IN ('account', 'link', 'telefoon', 'email', 'persoonlijk')),
    ADD COLUMN actor_name text CHECK (length(actor_name) <= 120);

-- The digital matchformulier: each party confirms it, by name; the makelaar
-- who confirmed the match is its notaris.
ALTER TABLE matches
    ADD COLUMN offer_signed_at   timestamptz,
    ADD COLUMN offer_signed_by   text CHECK (length(offer_signed_by) <= 120),
    ADD COLUMN request_signed_at timestamptz,
    ADD COLUMN request_signed_by text CHECK (length(request_signed_by) <= 120),
    ADD COLUMN confirmed_by      bigint REFERENCES users ON DELETE SET NULL,
    ADD CONSTRAINT matches_signed_after_confirmation CHECK (
        (offer_signed_at IS NULL AND request_signed_at IS NULL) OR confirmed_at IS NOT NULL);

-- Mail in HTML beside its plain text.
ALTER TABLE outbox ADD COLUMN html_body text;

-- The live screen also counts a match once both parties signed its form.
CREATE FUNCTION notify_match_signed() RETURNS trigger AS $$
BEGIN
    IF NEW.offer_signed_at IS NOT NULL AND NEW.request_signed_at IS NOT NULL
       AND (OLD.offer_signed_at IS NULL OR OLD.request_signed_at IS NULL) THEN
        PERFORM pg_notify('match_confirmed', json_build_object(
            'match_id', NEW.id, 'event_id', NEW.event_id)::text);
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER matches_signed AFTER UPDATE OF offer_signed_at, request_signed_at ON matches
    FOR EACH ROW EXECUTE FUNCTION notify_match_signed();
