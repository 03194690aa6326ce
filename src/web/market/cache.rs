//! What every visitor of the market reads and only writes change, held in
//! memory by each app instance: the municipality and theme filter lists and
//! the counts of open items per filter combination, and the pages of open
//! items, item pages and the next edition asked for since the last change
//! (bounded).
//!
//! A trigger notifies the Postgres channel `market_changed` on every write
//! that changes them (migration 0050), from whichever instance, import or
//! psql session; each instance LISTENs and drops its copy, and the next
//! request loads a new one (one load at a time). While the listen
//! connection is down nothing is kept, so an instance never shows a stale
//! list it was not told about. The listener also wakes this instance's
//! suggestion worker: a changed item is due for new suggestions.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::{Mutex, Notify};

use crate::store::events::{self, Event, Participant};
use crate::store::items::{self, Filter, Item, OpenCount, Page};
use crate::store::municipalities::{self, Municipality};
use crate::web::error::AppError;
use crate::web::market::suggestions::{self, Counterpart};
use crate::web::page::Brand;

/// The channel the triggers of migration 0050 notify on.
pub const CHANNEL: &str = "market_changed";

/// One consistent copy of the lists, loaded after the change it is tagged with.
pub struct Snapshot {
    generation: u64,
    pub municipalities: Vec<Municipality>,
    pub themes: Vec<String>,
    counts: Vec<OpenCount>,
    /// Pages found since this snapshot was loaded: the same filter shows the
    /// same rows until the market changes.
    pages: std::sync::Mutex<HashMap<PageKey, Page>>,
    /// The next edition, as the home page shows it, for the day it was read.
    next_event: std::sync::Mutex<Option<(time::Date, Option<Event>)>>,
    /// Item pages read since: the item and its stored counterparts.
    items: std::sync::Mutex<HashMap<i64, Option<ItemView>>>,
    /// "Praat met deze vijf" per edition, by organisation: the matcher's
    /// pass over a whole floor, done once per change (every floor page and
    /// badge reads it; stands, names, items and registrations all notify).
    floors: std::sync::Mutex<HashMap<i64, Five>>,
    /// Edition pages read since, by key: what a visitor who is not signed
    /// in sees of the edition.
    editions: std::sync::Mutex<HashMap<String, Option<EditionView>>>,
    /// Municipalities' branding read since (None: no such municipality).
    brands: std::sync::Mutex<HashMap<i64, Option<Brand>>>,
}

/// What an edition's public page shows to everyone: the edition, who takes
/// part and their open items.
#[derive(Clone)]
pub struct EditionView {
    pub event: Event,
    pub participants: Vec<Participant>,
    pub items: Vec<Item>,
}

/// The five partners of every organisation on one edition's floor.
pub type Five = Arc<HashMap<i64, Vec<crate::web::editions::floor::Talk>>>;

/// What an item's page shows to everyone: the item and, when it is open,
/// its stored counterparts.
#[derive(Clone)]
pub struct ItemView {
    pub item: Item,
    pub counterparts: Vec<Counterpart>,
}

/// How many different pages a snapshot keeps; beyond that it starts over.
const PAGES_KEPT: usize = 2_000;

/// A filter as a key: every field that changes the rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PageKey {
    direction: Option<&'static str>,
    category: Option<&'static str>,
    municipality_id: Option<i64>,
    theme: Option<String>,
    event_id: Option<i64>,
    query: Option<String>,
    page: i64,
}

impl PageKey {
    fn of(filter: &Filter) -> PageKey {
        PageKey {
            direction: filter.direction.map(|d| d.code()),
            category: filter.category.map(|c| c.code()),
            municipality_id: filter.municipality_id,
            theme: filter.theme.as_ref().map(|t| t.to_lowercase()),
            event_id: filter.event_id,
            query: filter.query.as_ref().map(|q| q.trim().to_string()),
            page: filter.page,
        }
    }
}

impl Snapshot {
    /// How many open items pass the filter (its words aside).
    pub fn total(&self, filter: &Filter) -> i64 {
        self.counts
            .iter()
            .filter(|c| c.passes(filter))
            .map(|c| c.n)
            .sum()
    }
}

#[derive(Clone)]
pub struct MarketCache {
    inner: Arc<Inner>,
}

struct Inner {
    /// Bumped on every notification and every (re)connection.
    generation: AtomicU64,
    listening: AtomicBool,
    current: RwLock<Option<Arc<Snapshot>>>,
    loading: Mutex<()>,
    /// Woken on every change: the suggestion worker waits on it.
    changed: Arc<Notify>,
}

impl MarketCache {
    /// Start listening in the background (when there is a runtime).
    pub fn start(db: PgPool, changed: Arc<Notify>) -> MarketCache {
        let cache = MarketCache {
            inner: Arc::new(Inner {
                generation: AtomicU64::new(0),
                listening: AtomicBool::new(false),
                current: RwLock::new(None),
                loading: Mutex::new(()),
                changed,
            }),
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(listen(db, cache.inner.clone()));
            }
            Err(_) => tracing::warn!("no runtime: the market lists are read on every request"),
        }
        cache
    }

    /// The current lists: from memory, or loaded once after a change.
    pub async fn snapshot(&self, db: &PgPool) -> sqlx::Result<Arc<Snapshot>> {
        let inner = &self.inner;
        if !inner.listening.load(Ordering::Acquire) {
            return Ok(Arc::new(load(db, 0).await?));
        }
        if let Some(s) = self.fresh() {
            return Ok(s);
        }
        let _one_at_a_time = inner.loading.lock().await;
        if let Some(s) = self.fresh() {
            return Ok(s);
        }
        // Tagged with the generation from before the read: a change during
        // the read makes it stale at once.
        let generation = inner.generation.load(Ordering::Acquire);
        let snapshot = Arc::new(load(db, generation).await?);
        *inner.current.write().unwrap_or_else(|e| e.into_inner()) = Some(snapshot.clone());
        Ok(snapshot)
    }

    /// Drop what this instance keeps at once, after a write of its own: the
    /// writer reads its write on the next page without waiting for the
    /// notification (other instances follow when it arrives, milliseconds
    /// later).
    pub fn invalidate(&self) {
        self.inner.generation.fetch_add(1, Ordering::AcqRel);
    }

    fn fresh(&self) -> Option<Arc<Snapshot>> {
        let generation = self.inner.generation.load(Ordering::Acquire);
        self.inner
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .filter(|s| s.generation == generation)
            .cloned()
    }

    /// Open items for the filter and their total, from memory when the
    /// same page was asked for since the last change. Otherwise with search
    /// words one statement ranks and counts; without them the page reads
    /// only its own rows and the total comes from the counts in memory.
    pub async fn find(&self, db: &PgPool, filter: &Filter) -> sqlx::Result<Page> {
        let snapshot = self.snapshot(db).await?;
        let key = PageKey::of(filter);
        if let Some(page) = snapshot.cached(&key) {
            return Ok(page);
        }
        let page = if key.query.as_deref().is_some_and(|q| !q.is_empty()) {
            items::search(db, filter).await?
        } else {
            let found: Vec<Item> = items::page(db, filter).await?;
            Page {
                items: found,
                total: snapshot.total(filter),
            }
        };
        snapshot.keep(key, &page);
        Ok(page)
    }
}

impl MarketCache {
    /// An item and its counterparts (None: no such item), from memory when
    /// read since the last change. Every write that changes what an item
    /// page shows notifies (items, organisations, events, suggestions).
    pub async fn item(&self, db: &PgPool, id: i64) -> Result<Option<ItemView>, AppError> {
        let snapshot = self.snapshot(db).await?;
        if let Some(view) = snapshot
            .items
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
        {
            return Ok(view.clone());
        }
        let view = match items::get(db, id).await? {
            Some(item) => {
                let counterparts = if item.is_open() {
                    suggestions::for_item(db, item.id, 5).await?
                } else {
                    Vec::new()
                };
                Some(ItemView { item, counterparts })
            }
            None => None,
        };
        let mut kept = snapshot.items.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= PAGES_KEPT {
            kept.clear();
        }
        kept.insert(id, view.clone());
        Ok(view)
    }
}

impl MarketCache {
    /// An edition's five-per-organisation, from memory when computed since
    /// the last change; `compute` runs the matcher otherwise.
    pub async fn floor_five<F, Fut>(
        &self,
        db: &PgPool,
        event_id: i64,
        compute: F,
    ) -> Result<Five, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Five, AppError>>,
    {
        let snapshot = self.snapshot(db).await?;
        if let Some(five) = snapshot
            .floors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&event_id)
        {
            return Ok(five.clone());
        }
        let five = compute().await?;
        snapshot
            .floors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(event_id, five.clone());
        Ok(five)
    }
}

impl MarketCache {
    /// The next edition from `today` (home page), from memory when read
    /// since the last change on the same day.
    pub async fn next_event(&self, db: &PgPool, today: time::Date) -> sqlx::Result<Option<Event>> {
        let snapshot = self.snapshot(db).await?;
        if let Some((day, event)) = &*snapshot
            .next_event
            .lock()
            .unwrap_or_else(|e| e.into_inner())
        {
            if *day == today {
                return Ok(event.clone());
            }
        }
        let event = events::next(db, today).await?;
        *snapshot
            .next_event
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some((today, event.clone()));
        Ok(event)
    }
}

impl MarketCache {
    /// An edition's public view by key (None: no such edition), from memory
    /// when read since the last change: the events, event_participants,
    /// items and organisations triggers of migration 0050 notify.
    pub async fn edition(&self, db: &PgPool, key: &str) -> Result<Option<EditionView>, AppError> {
        let snapshot = self.snapshot(db).await?;
        if let Some(view) = lock(&snapshot.editions).get(key) {
            return Ok(view.clone());
        }
        let view = match events::by_key(db, key).await? {
            Some(event) => {
                let participants = events::participants(db, event.id).await?;
                let items = self
                    .find(
                        db,
                        &Filter {
                            event_id: Some(event.id),
                            ..Filter::default()
                        },
                    )
                    .await?
                    .items;
                Some(EditionView {
                    event,
                    participants,
                    items,
                })
            }
            None => None,
        };
        keep_bounded(&snapshot.editions, key.to_string(), view.clone());
        Ok(view)
    }

    /// A municipality's branding, from memory when read since the last
    /// change (every update of `municipalities` notifies).
    pub async fn brand(
        &self,
        db: &PgPool,
        municipality_id: i64,
    ) -> Result<Option<Brand>, AppError> {
        let snapshot = self.snapshot(db).await?;
        if let Some(brand) = lock(&snapshot.brands).get(&municipality_id) {
            return Ok(brand.clone());
        }
        let brand = crate::web::branding::load_brand(db, municipality_id).await?;
        keep_bounded(&snapshot.brands, municipality_id, brand.clone());
        Ok(brand)
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Keep one more entry, starting over beyond `PAGES_KEPT`.
fn keep_bounded<K: std::hash::Hash + Eq, V>(
    map: &std::sync::Mutex<HashMap<K, V>>,
    key: K,
    value: V,
) {
    let mut kept = lock(map);
    if kept.len() >= PAGES_KEPT {
        kept.clear();
    }
    kept.insert(key, value);
}

impl Snapshot {
    fn cached(&self, key: &PageKey) -> Option<Page> {
        self.pages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }

    fn keep(&self, key: PageKey, page: &Page) {
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        if pages.len() >= PAGES_KEPT {
            pages.clear();
        }
        pages.insert(key, page.clone());
    }
}

async fn load(db: &PgPool, generation: u64) -> sqlx::Result<Snapshot> {
    Ok(Snapshot {
        generation,
        municipalities: municipalities::all(db).await?,
        themes: items::themes(db).await?,
        counts: items::open_counts(db).await?,
        pages: Default::default(),
        next_event: Default::default(),
        items: Default::default(),
        floors: Default::default(),
        editions: Default::default(),
        brands: Default::default(),
    })
}

async fn listen(db: PgPool, inner: Arc<Inner>) {
    let mut backoff = Duration::from_millis(250);
    while !db.is_closed() {
        let connected = async {
            let mut listener = PgListener::connect_with(&db).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = match connected.await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "market: cannot listen, retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
                continue;
            }
        };
        backoff = Duration::from_millis(250);
        // Whatever changed while not listening: load anew.
        inner.generation.fetch_add(1, Ordering::AcqRel);
        inner.listening.store(true, Ordering::Release);
        inner.changed.notify_waiters();
        loop {
            match listener.try_recv().await {
                Ok(Some(_)) => {
                    inner.generation.fetch_add(1, Ordering::AcqRel);
                    inner.changed.notify_waiters();
                }
                Ok(None) => {
                    // The connection dropped: notifications until the next
                    // LISTEN are lost, so nothing is kept until then.
                    inner.listening.store(false, Ordering::Release);
                    tracing::info!("market: listen connection lost, reconnecting");
                    break;
                }
                Err(e) => {
                    inner.listening.store(false, Ordering::Release);
                    if !db.is_closed() {
                        tracing::warn!(error = %e, "market: listening failed, reconnecting");
                        tokio::time::sleep(backoff).await;
                    }
                    break;
                }
            }
        }
    }
}
