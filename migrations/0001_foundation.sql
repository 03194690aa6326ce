-- Foundation: accounts, organisations, events, offers and requests.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE municipalities (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 2 AND 80),
    -- euros per volunteer hour used for the estimated social value
    hourly_rate numeric(8,2) NOT NULL DEFAULT 35.00 CHECK (hourly_rate >= 0),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX municipalities_name_key ON municipalities (lower(name));

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    email         text NOT NULL CHECK (position('@' IN email) > 1 AND length(email) <= 254),
    password_hash text NOT NULL,
    -- bumped on a password reset: sessions of an older generation end
    session_generation integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE role_grants (
    user_id         bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    role            text NOT NULL CHECK (role IN ('admin', 'makelaar', 'gemeente')),
    municipality_id bigint REFERENCES municipalities ON DELETE CASCADE,
    -- admins are global, makelaars and gemeente viewers are scoped
    CHECK ((role = 'admin') = (municipality_id IS NULL))
);
CREATE UNIQUE INDEX role_grants_key ON role_grants (user_id, role, coalesce(municipality_id, 0));

CREATE TABLE organisations (
    id              bigserial PRIMARY KEY,
    key             text UNIQUE,
    name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 2 AND 120),
    kind            text NOT NULL CHECK (kind IN ('bedrijf', 'maatschappelijke_organisatie',
                        'vrijwilligersorganisatie', 'school', 'serviceclub', 'overheid')),
    municipality_id bigint NOT NULL REFERENCES municipalities,
    postcode        text CHECK (postcode ~ '^[1-9][0-9]{3}( ?[A-Z]{2})?$'),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    website         text CHECK (website ~ '^https?://'),
    contact_name    text CHECK (length(contact_name) <= 120),
    contact_email   text CHECK (length(contact_email) <= 254),
    contact_phone   text CHECK (length(contact_phone) <= 40),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organisations_municipality ON organisations (municipality_id);

CREATE TABLE memberships (
    user_id         bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    organisation_id bigint NOT NULL REFERENCES organisations ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, organisation_id)
);
CREATE INDEX memberships_organisation ON memberships (organisation_id);

-- Single-use links to join an organisation; only the hash of the token is kept.
CREATE TABLE invitations (
    token_hash      text PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations ON DELETE CASCADE,
    created_by      bigint REFERENCES users ON DELETE SET NULL,
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz,
    used_by         bigint REFERENCES users ON DELETE SET NULL
);

CREATE TABLE password_resets (
    token_hash text PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

-- Failed logins, counted per account and per IP before any hashing is done.
CREATE TABLE login_failures (
    id     bigserial PRIMARY KEY,
    email  text NOT NULL,
    ip     text NOT NULL,
    at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

-- Mail waits here until the background sender delivers it.
CREATE TABLE outbox (
    id            bigserial PRIMARY KEY,
    to_address    text NOT NULL,
    subject       text NOT NULL,
    body          text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    attempts      int NOT NULL DEFAULT 0,
    next_attempt  timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz,
    last_error    text
);
CREATE INDEX outbox_pending ON outbox (next_attempt) WHERE sent_at IS NULL;

CREATE TABLE events (
    id              bigserial PRIMARY KEY,
    key             text NOT NULL UNIQUE,
    name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 2 AND 160),
    municipality_id bigint NOT NULL REFERENCES municipalities,
    date            date NOT NULL,
    place           text,
    status          text NOT NULL DEFAULT 'planned'
                        CHECK (status IN ('planned', 'open', 'live', 'closed')),
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE items (
    id              bigserial PRIMARY KEY,
    key             text UNIQUE,
    organisation_id bigint NOT NULL REFERENCES organisations ON DELETE CASCADE,
    event_id        bigint REFERENCES events ON DELETE SET NULL,
    direction       text NOT NULL CHECK (direction IN ('offer', 'request')),
    category        text NOT NULL CHECK (category IN ('menskracht', 'kennis', 'materiaal',
                        'netwerk', 'faciliteiten', 'creativiteit')),
    title           text NOT NULL CHECK (length(btrim(title)) BETWEEN 3 AND 120),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    theme           text CHECK (length(theme) <= 40),
    hours           integer CHECK (hours BETWEEN 0 AND 10000),
    quantity        text CHECK (length(quantity) <= 120),
    status          text NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'matched', 'withdrawn', 'expired')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- lower-cased text for substring (trigram) search: finds compounds and plurals
    search_text     text GENERATED ALWAYS AS
                        (lower(title || ' ' || description || ' ' || coalesce(theme, ''))) STORED,
    search_vector   tsvector GENERATED ALWAYS AS
                        (setweight(to_tsvector('dutch'::regconfig, title), 'A')
                         || setweight(to_tsvector('dutch'::regconfig, coalesce(theme, '')), 'B')
                         || setweight(to_tsvector('dutch'::regconfig, description), 'C')) STORED
);
CREATE INDEX items_search_vector ON items USING gin (search_vector);
CREATE INDEX items_search_text ON items USING gin (search_text gin_trgm_ops);
CREATE INDEX items_open ON items (direction, category, created_at DESC) WHERE status = 'open';
CREATE INDEX items_organisation ON items (organisation_id);
CREATE INDEX items_event ON items (event_id);
