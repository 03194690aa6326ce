-- Branding: the administrator gives each municipality its logo and primary
-- colour; an organisation may add its logo. Logos are stored as the PNG the
-- server re-encoded (decoded, resized, without metadata), never as uploaded.
ALTER TABLE municipalities
    ADD COLUMN primary_colour text CHECK (primary_colour ~ '^#[0-9a-f]{6}$'),
    ADD COLUMN logo bytea CHECK (octet_length(logo) <= 1048576),
    ADD COLUMN logo_width integer CHECK (logo_width BETWEEN 1 AND 2000),
    ADD COLUMN logo_height integer CHECK (logo_height BETWEEN 1 AND 2000),
    ADD COLUMN branding_version bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT municipalities_logo_size CHECK ((logo IS NULL) = (logo_width IS NULL) AND (logo IS NULL) = (logo_height IS NULL));

ALTER TABLE organisations
    ADD COLUMN logo bytea CHECK (octet_length(logo) <= 1048576),
    ADD COLUMN logo_width integer CHECK (logo_width BETWEEN 1 AND 2000),
    ADD COLUMN logo_height integer CHECK (logo_height BETWEEN 1 AND 2000),
    ADD COLUMN logo_version bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT organisations_logo_size CHECK ((logo IS NULL) = (logo_width IS NULL) AND (logo IS NULL) = (logo_height IS NULL));
