-- Generated history for the municipality's figures: one municipality with its
-- editions, organisations, participants (newcomers every edition), offers and
-- requests, and matches of every status, some two-way, some year-round.
-- Used by tests/it/dashboard.rs, tests/it/api.rs and scripts/bench-dashboard.sh.
--
--   SELECT seed_figures('Raalte', 5, 400, 2021);  -- returns the municipality id
CREATE OR REPLACE FUNCTION seed_figures(p_name text, p_editions int, p_items int, p_first_year int)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    mun bigint;
    base_orgs int := greatest(p_items / 4, 6);
    n_orgs int := greatest(p_items / 4, 6) + p_editions * 2;
    slug text := lower(regexp_replace(p_name, '[^A-Za-z0-9]+', '-', 'g'));
    -- this call's matches come after it, so the pairing below stays fast
    -- however many municipalities were seeded before
    before bigint := (SELECT coalesce(max(id), 0) FROM matches);
BEGIN
    INSERT INTO municipalities (name, hourly_rate) VALUES (p_name, 37.50) RETURNING id INTO mun;

    INSERT INTO organisations (key, name, kind, municipality_id)
    SELECT slug || '-org-' || g, p_name || ' organisatie ' || g,
           (ARRAY['bedrijf', 'maatschappelijke_organisatie', 'vrijwilligersorganisatie',
                  'school', 'serviceclub', 'overheid'])[1 + g % 6],
           mun
    FROM generate_series(1, n_orgs) g;

    INSERT INTO events (key, name, municipality_id, date, status)
    SELECT slug || '-' || (p_first_year + g - 1),
           'Beursvloer ' || p_name || ' ' || (p_first_year + g - 1),
           mun, make_date(p_first_year + g - 1, 3, 12),
           CASE WHEN g = p_editions THEN 'live' ELSE 'closed' END
    FROM generate_series(1, p_editions) g;

    -- Every edition two more organisations may join, and some skip a year.
    INSERT INTO event_participants (event_id, organisation_id)
    SELECT e.id, o.id
    FROM (SELECT id, row_number() OVER (ORDER BY date) AS n FROM events WHERE municipality_id = mun) e
    JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM organisations WHERE municipality_id = mun) o
      ON o.n <= base_orgs + e.n * 2 AND (o.n + e.n) % 4 <> 0;

    -- p_items per edition, and a tenth of that year-round (no event).
    INSERT INTO items (key, organisation_id, event_id, direction, category, title, theme, hours)
    SELECT e.key || '-' || i, o.id, e.id,
           CASE WHEN i % 2 = 0 THEN 'offer' ELSE 'request' END,
           (ARRAY['menskracht', 'kennis', 'materiaal', 'netwerk', 'faciliteiten',
                  'creativiteit'])[1 + (i / 2 + e.n) % 6],
           'Item ' || i || ' van ' || e.key,
           CASE WHEN i % 5 = 0 THEN NULL
                ELSE (ARRAY['zorg', 'sport', 'cultuur', 'onderwijs', 'natuur'])[1 + (i / 2) % 5] END,
           i % 12
    FROM (SELECT id, key, row_number() OVER (ORDER BY date) AS n FROM events WHERE municipality_id = mun
          UNION ALL SELECT NULL, slug || '-jaar', 0) e
    CROSS JOIN generate_series(0, p_items - 1) i
    JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM organisations WHERE municipality_id = mun) o
      ON o.n = 1 + (i * 7 + e.n) % n_orgs
    WHERE e.id IS NOT NULL OR i < greatest(p_items / 10, 2);

    -- Offer 2k meets request 2k+1; nine pairs in ten get a match, statuses in turn.
    INSERT INTO matches (offer_id, request_id, event_id, status, proposed_by,
                         offer_accepted_at, request_accepted_at, confirmed_at, reason,
                         terms_what, terms_hours, value_euros, offer_shows_name, request_shows_name)
    SELECT o.id, r.id, e.id, s.status, 'makelaar',
           CASE WHEN s.status NOT IN ('suggested', 'declined', 'cancelled') THEN now() END,
           CASE WHEN s.status NOT IN ('suggested', 'declined', 'cancelled') THEN now() END,
           CASE WHEN s.status IN ('confirmed', 'carried_out', 'not_carried_out')
                THEN timestamptz '2020-01-01' + make_interval(mins => k) END,
           CASE WHEN s.status IN ('declined', 'cancelled', 'not_carried_out') THEN 'gegenereerd' END,
           'Afspraak ' || e.key || '#' || k,
           k % 9, (k % 4) * 25.50, k % 3 = 0, k % 3 <> 2
    FROM (SELECT id, key FROM events WHERE municipality_id = mun
          UNION ALL SELECT NULL, slug || '-jaar') e
    CROSS JOIN generate_series(0, p_items / 2 - 1) k
    JOIN items o ON o.key = e.key || '-' || (2 * k)
    JOIN items r ON r.key = e.key || '-' || (2 * k + 1)
    CROSS JOIN LATERAL (SELECT (ARRAY['suggested', 'accepted', 'confirmed', 'carried_out',
                                      'not_carried_out', 'declined', 'cancelled'])[1 + k % 7] AS status) s
    WHERE k % 10 <> 9;

    -- Every fourth match and the next one are each other's way back.
    UPDATE matches a SET return_match_id = b.id
    FROM (SELECT key FROM events WHERE municipality_id = mun UNION ALL SELECT slug || '-jaar') e
    CROSS JOIN generate_series(0, p_items / 2 - 1, 4) k
    JOIN matches b ON b.id > before AND b.terms_what = 'Afspraak ' || e.key || '#' || (k + 1)
    WHERE a.id > before AND a.terms_what = 'Afspraak ' || e.key || '#' || k;

    RETURN mun;
END $$;
