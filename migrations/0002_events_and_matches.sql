-- Events, the makelaar's workflow and the match life cycle.

-- Organisations taking part in an edition.
CREATE TABLE event_participants (
    event_id        bigint NOT NULL REFERENCES events ON DELETE CASCADE,
    organisation_id bigint NOT NULL REFERENCES organisations ON DELETE CASCADE,
    registered_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, organisation_id)
);
CREATE INDEX event_participants_organisation ON event_participants (organisation_id);

-- Single-use links by which an admin makes someone makelaar or gemeente viewer.
CREATE TABLE staff_invitations (
    token_hash      text PRIMARY KEY,
    role            text NOT NULL CHECK (role IN ('makelaar', 'gemeente')),
    municipality_id bigint NOT NULL REFERENCES municipalities ON DELETE CASCADE,
    email           text NOT NULL,
    created_by      bigint REFERENCES users ON DELETE SET NULL,
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz,
    used_by         bigint REFERENCES users ON DELETE SET NULL
);

CREATE TABLE matches (
    id                  bigserial PRIMARY KEY,
    offer_id            bigint NOT NULL REFERENCES items ON DELETE CASCADE,
    request_id          bigint NOT NULL REFERENCES items ON DELETE CASCADE,
    event_id            bigint REFERENCES events ON DELETE SET NULL,
    status              text NOT NULL DEFAULT 'suggested' CHECK (status IN
                            ('suggested', 'accepted', 'confirmed', 'carried_out',
                             'not_carried_out', 'declined', 'cancelled')),
    proposed_by         text NOT NULL CHECK (proposed_by IN ('matcher', 'party', 'makelaar')),
    proposed_by_user    bigint REFERENCES users ON DELETE SET NULL,
    score               real CHECK (score BETWEEN 0 AND 1),
    reasons             text[] NOT NULL DEFAULT '{}',
    offer_accepted_at   timestamptz,
    request_accepted_at timestamptz,
    -- agreed terms
    terms_what          text CHECK (length(terms_what) <= 1000),
    terms_when          date,
    terms_hours         integer CHECK (terms_hours BETWEEN 0 AND 10000),
    value_euros         numeric(10,2) CHECK (value_euros >= 0),
    -- the way back of a two-way match (wederdienst)
    return_match_id     bigint REFERENCES matches ON DELETE SET NULL,
    -- both parties must agree before their names appear on the live screen
    offer_shows_name    boolean NOT NULL DEFAULT false,
    request_shows_name  boolean NOT NULL DEFAULT false,
    reason              text CHECK (length(reason) <= 1000),
    reminder_sent_at    timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    confirmed_at        timestamptz,
    CHECK (offer_id <> request_id),
    CHECK (return_match_id IS DISTINCT FROM id),
    -- accepted and later states need both parties' consent
    CHECK (status IN ('suggested', 'declined', 'cancelled')
           OR (offer_accepted_at IS NOT NULL AND request_accepted_at IS NOT NULL)),
    CHECK ((status IN ('confirmed', 'carried_out', 'not_carried_out')) = (confirmed_at IS NOT NULL)
           OR status = 'cancelled'),
    -- ending a match always says why
    CHECK (status NOT IN ('declined', 'cancelled', 'not_carried_out') OR reason IS NOT NULL)
);
-- One live match per offer-request pair.
CREATE UNIQUE INDEX matches_one_live_per_pair ON matches (offer_id, request_id)
    WHERE status NOT IN ('declined', 'cancelled', 'not_carried_out');
CREATE INDEX matches_request ON matches (request_id);
CREATE INDEX matches_event_status ON matches (event_id, status);

-- Every status change of a match: who, when, from, to.
CREATE TABLE match_transitions (
    id          bigserial PRIMARY KEY,
    match_id    bigint NOT NULL REFERENCES matches ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users ON DELETE SET NULL,
    actor_role  text NOT NULL CHECK (actor_role IN ('matcher', 'offer_party', 'request_party', 'makelaar', 'system')),
    from_status text,
    to_status   text NOT NULL,
    note        text
);
CREATE INDEX match_transitions_match ON match_transitions (match_id, at);

-- In-app notifications.
CREATE TABLE notifications (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    message    text NOT NULL,
    link       text,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC);

-- Live screen: every confirmation is announced to all app instances.
CREATE FUNCTION notify_match_confirmed() RETURNS trigger AS $$
BEGIN
    IF NEW.status = 'confirmed' AND OLD.status IS DISTINCT FROM 'confirmed' THEN
        PERFORM pg_notify('match_confirmed', json_build_object(
            'match_id', NEW.id, 'event_id', NEW.event_id)::text);
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER matches_confirmed AFTER INSERT OR UPDATE OF status ON matches
    FOR EACH ROW EXECUTE FUNCTION notify_match_confirmed();


-- Pairs from the matching proposal that the makelaar set aside.
CREATE TABLE proposal_rejections (
    event_id    bigint NOT NULL REFERENCES events ON DELETE CASCADE,
    offer_id    bigint NOT NULL REFERENCES items ON DELETE CASCADE,
    request_id  bigint NOT NULL REFERENCES items ON DELETE CASCADE,
    rejected_by bigint REFERENCES users ON DELETE SET NULL,
    rejected_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, offer_id, request_id)
);
