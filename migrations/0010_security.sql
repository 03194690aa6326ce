-- Security review (issue 15): trusted devices for login throttling, a limit
-- on password reset requests.

-- A browser that signed in to an account before (OWASP's device cookie):
-- only a SHA-256 hash of the cookie's random token is kept.
CREATE TABLE trusted_devices (
    token_hash   text NOT NULL,
    user_id      bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (token_hash, user_id)
);
CREATE INDEX trusted_devices_user ON trusted_devices (user_id);

-- A failure from a trusted device counts against that device's own
-- allowance, not against the account's untrusted attempts.
ALTER TABLE login_failures ADD COLUMN device_hash text;
CREATE INDEX login_failures_device ON login_failures (device_hash, at)
    WHERE device_hash IS NOT NULL;

-- Password reset requests are limited like registrations.
ALTER TABLE rate_events DROP CONSTRAINT rate_events_kind_check;
ALTER TABLE rate_events ADD CONSTRAINT rate_events_kind_check
    CHECK (kind IN ('item', 'register', 'reset'));

-- An organisation invitation is for one e-mail address (finding 12); links
-- made before this have none and no longer work.
ALTER TABLE invitations ADD COLUMN email text CHECK (length(email) <= 254);

-- One-time submission keys (finding 14): a form that creates something
-- carries a random key; a repeat of the same key (the answer was lost, the
-- user sends it again) is answered with what the first one created.
CREATE TABLE submissions (
    key_hash   text PRIMARY KEY,
    user_id    bigint REFERENCES users ON DELETE CASCADE,
    location   text NOT NULL CHECK (length(location) <= 300),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Registration confirms the e-mail address (finding 8): an account made at
-- /registreren can sign in once its owner followed the mailed link, so that
-- registering with a taken address can answer exactly like a new one.
-- Accounts made before, by an administrator or by invitation are confirmed.
ALTER TABLE users ADD COLUMN email_confirmed_at timestamptz DEFAULT now();

CREATE TABLE email_confirmations (
    token_hash text PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
