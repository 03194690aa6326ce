-- A municipality's own policy goals (for instance the Wmo prestatievelden)
-- and which goal each theme counts towards. A theme counts towards at most
-- one goal of a municipality, so the figures per goal add up to the total.
CREATE TABLE policy_goals (
    id              bigserial PRIMARY KEY,
    municipality_id bigint NOT NULL REFERENCES municipalities ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 2 AND 80),
    description     text CHECK (length(description) <= 200),
    position        integer NOT NULL CHECK (position BETWEEN 1 AND 1000),
    -- the name compared as people read it: "Wonen" and " wonen" are one goal
    name_key        text GENERATED ALWAYS AS (lower(btrim(name))) STORED,
    -- deferred, so one save may swap two goals' names
    CONSTRAINT policy_goals_name_unique UNIQUE (municipality_id, name_key)
        DEFERRABLE INITIALLY DEFERRED,
    -- for the mapping's foreign key: a theme maps to a goal of its own municipality
    CONSTRAINT policy_goals_municipality_id UNIQUE (municipality_id, id)
);

CREATE TABLE policy_goal_themes (
    municipality_id bigint NOT NULL,
    -- as the figures group it: trimmed, lower case
    theme           text NOT NULL CHECK (theme = lower(btrim(theme)) AND length(theme) BETWEEN 1 AND 40),
    goal_id         bigint NOT NULL,
    PRIMARY KEY (municipality_id, theme),
    FOREIGN KEY (municipality_id, goal_id)
        REFERENCES policy_goals (municipality_id, id) ON DELETE CASCADE
);
CREATE INDEX policy_goal_themes_goal ON policy_goal_themes (goal_id);
