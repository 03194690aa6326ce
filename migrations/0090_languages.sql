-- The language mail goes out in: chosen by an account (at registration or
-- with the switch while signed in) and by an organisation's contact person
-- (at sign-up). NULL: never chosen, Dutch.
ALTER TABLE users ADD COLUMN language text CHECK (language IN ('nl', 'en'));
ALTER TABLE organisations ADD COLUMN contact_language text CHECK (contact_language IN ('nl', 'en'));
