-- Every app instance keeps what every visitor reads and only writes change
-- (the municipality and theme filter lists, the counts of open items per
-- filter) in memory, and drops it when this channel says the open market
-- changed, whichever instance (or psql session, or import) wrote it.
-- Statement-level, and Postgres folds equal notifications of one
-- transaction into one, so a bulk import sends one.
CREATE FUNCTION notify_market_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('market_changed', TG_TABLE_NAME);
    RETURN NULL;
END $$;

-- Item pages are kept too, so every column a page shows notifies; the
-- suggestion worker's own bookkeeping (suggested_at) does not.
CREATE TRIGGER items_market_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF status, direction, category, theme,
        organisation_id, event_id, title, description, hours, quantity, key ON items
    FOR EACH STATEMENT EXECUTE FUNCTION notify_market_changed();
CREATE TRIGGER organisations_market_changed
    AFTER DELETE OR TRUNCATE OR UPDATE OF municipality_id, name, kind, postcode ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION notify_market_changed();
CREATE TRIGGER municipalities_market_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE ON municipalities
    FOR EACH STATEMENT EXECUTE FUNCTION notify_market_changed();
-- The home page keeps the next edition and its number of participants.
CREATE TRIGGER events_market_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_market_changed();
CREATE TRIGGER event_participants_market_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE ON event_participants
    FOR EACH STATEMENT EXECUTE FUNCTION notify_market_changed();
CREATE TRIGGER suggestions_market_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE ON suggestions
    FOR EACH STATEMENT EXECUTE FUNCTION notify_market_changed();

-- The suggestion worker looks for items whose suggestions are due.
CREATE INDEX items_suggestions_due ON items (updated_at)
    WHERE status = 'open' AND (suggested_at IS NULL OR suggested_at < updated_at);

-- The browse pages read the newest open items page by page; without a
-- direction and category the older index (direction, category, created_at)
-- cannot give that order and every open item was sorted.
CREATE INDEX items_open_newest ON items (created_at DESC, id DESC) WHERE status = 'open';
