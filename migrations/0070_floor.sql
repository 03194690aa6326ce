-- On the floor (issue 18): stand numbers and badge codes per registered
-- organisation of an edition, and matches closed by two phones.

-- The makelaar gives each registered organisation a stand or table. The
-- badge code is the public, unguessable part of the address behind the QR
-- code on its badge: it opens the organisation's floor page and nothing
-- else, so it is stored as is (a reprinted badge keeps its code).
ALTER TABLE event_participants
    ADD COLUMN stand text CHECK (stand ~ '^[A-Za-z0-9][A-Za-z0-9 .-]{0,11}$'),
    ADD COLUMN badge_code text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '');
CREATE UNIQUE INDEX event_participants_badge_code ON event_participants (badge_code);
-- One organisation per stand in an edition.
CREATE UNIQUE INDEX event_participants_stand ON event_participants (event_id, upper(stand))
    WHERE stand IS NOT NULL;

-- A match two organisations made on their own phones: each side confirmed
-- the matchformulier through its personal link (who and when in the
-- *_signed_* columns) before the notaris registered it, so these may be
-- signed before they are confirmed.
ALTER TABLE matches
    ADD COLUMN on_floor boolean NOT NULL DEFAULT false,
    DROP CONSTRAINT matches_signed_after_confirmation,
    ADD CONSTRAINT matches_signed_after_confirmation CHECK (
        (offer_signed_at IS NULL AND request_signed_at IS NULL)
        OR confirmed_at IS NOT NULL OR on_floor);
CREATE INDEX matches_floor_queue ON matches (event_id) WHERE on_floor AND status = 'accepted';

-- A floor match is signed by both before the notaris registers it: the live
-- screen hears of it once it is confirmed (by notify_match_confirmed), not
-- at the second signature.
CREATE OR REPLACE FUNCTION notify_match_signed() RETURNS trigger AS $$
BEGIN
    IF NEW.offer_signed_at IS NOT NULL AND NEW.request_signed_at IS NOT NULL
       AND NEW.confirmed_at IS NOT NULL
       AND (OLD.offer_signed_at IS NULL OR OLD.request_signed_at IS NULL) THEN
        PERFORM pg_notify('match_confirmed', json_build_object(
            'match_id', NEW.id, 'event_id', NEW.event_id)::text);
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
