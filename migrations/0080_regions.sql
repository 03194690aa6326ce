-- Regions: a province or a group of municipalities working together, with a
-- target of made matches per year. Kept by the administrator; their figures
-- are public, like the open data of each municipality.
CREATE TABLE regions (
    id         bigserial PRIMARY KEY,
    slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 2 AND 80),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE region_municipalities (
    region_id       bigint NOT NULL REFERENCES regions ON DELETE CASCADE,
    municipality_id bigint NOT NULL REFERENCES municipalities ON DELETE CASCADE,
    PRIMARY KEY (region_id, municipality_id)
);
CREATE INDEX region_municipalities_municipality ON region_municipalities (municipality_id);

CREATE TABLE region_targets (
    region_id bigint NOT NULL REFERENCES regions ON DELETE CASCADE,
    year      integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    matches   integer NOT NULL CHECK (matches BETWEEN 1 AND 1000000),
    PRIMARY KEY (region_id, year)
);

-- The region's figures start from its municipalities' events.
CREATE INDEX events_municipality ON events (municipality_id, date);
