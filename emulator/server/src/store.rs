//! Where the emulator keeps its state: in memory only (the default), or,
//! with `--data-dir DIR`, also on disk, so that a restart, a `kill -9` or a
//! power cut loses nothing a client was told had succeeded.
//!
//! On disk, each service's state is records (a kind, a key and the record's
//! bytes) in one SQLite database, `DIR/state.db`, in write-ahead-log mode
//! with `synchronous = FULL`: a change is one transaction, on disk before
//! the call that made it answers. Changes are committed by one thread, in
//! the order they were submitted, as many in a transaction as have queued
//! while the one before synced (a group commit): a service submits its
//! change under its lock, so that its records change in the order its
//! memory did, and waits for the sync after releasing the lock
//! ([`Pending::durable`]), so that other calls meanwhile queue theirs for
//! the next sync. Large values (S3's object bodies) are
//! files under `DIR/bodies/`, written whole and synced under a temporary
//! name, then renamed, before the record naming them commits; a crash in
//! between leaves a file no record names, which the next start removes.
//!
//! SQLite (rusqlite, the SQLite bindings most Rust projects use, with SQLite
//! built in so nothing needs installing) rather than a pure-Rust store: one
//! file every tool can open (`sqlite3 state.db`), decades of crash-safety
//! testing, and transactions across a change's records. Services keep their
//! working state in memory, as before, and write each change through.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, params};
use tokio::sync::Notify;

/// The state of every service: in memory only, or on disk too.
pub struct Store {
    disk: Option<Disk>,
}

struct Disk {
    db: Arc<Mutex<Connection>>,
    bodies: PathBuf,
    /// To the committing thread.
    submitted: Sender<Submitted>,
}

/// The most changes one transaction commits.
const MOST_IN_A_COMMIT: usize = 1024;

/// A change on its way to the committing thread.
struct Submitted {
    service: String,
    change: Change,
    done: Arc<Done>,
}

/// A change's outcome, once committed: waited for by a thread or awaited
/// by a task.
#[derive(Default)]
struct Done {
    outcome: Mutex<Option<Result<(), StoreError>>>,
    ready: Condvar,
    woken: Notify,
}

/// A change submitted and not yet known to be on disk.
#[must_use = "a change is on disk only once `durable` or `wait` says so"]
pub struct Pending(Option<Arc<Done>>);

impl Pending {
    /// A change already done (in memory, or empty).
    pub fn done() -> Pending {
        Pending(None)
    }

    /// Waits, without holding a thread, for the change to be on disk.
    pub async fn durable(self) -> Result<(), StoreError> {
        let Some(done) = self.0 else { return Ok(()) };
        loop {
            let woken = done.woken.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            // An outcome set before `enable` is seen here.
            if let Some(outcome) = done.take() {
                return outcome;
            }
            woken.await;
        }
    }

    /// Blocks the thread until the change is on disk.
    pub fn wait(self) -> Result<(), StoreError> {
        let Some(done) = self.0 else { return Ok(()) };
        let mut outcome = done.outcome.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(outcome) = outcome.take() {
                return outcome;
            }
            outcome = done.ready.wait(outcome).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl Done {
    fn take(&self) -> Option<Result<(), StoreError>> {
        self.outcome.lock().unwrap_or_else(PoisonError::into_inner).take()
    }

    fn set(&self, outcome: Result<(), StoreError>) {
        *self.outcome.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
        self.ready.notify_all();
        self.woken.notify_waiters();
    }
}

/// A failure of the disk: the call that met it answers an internal error;
/// its change, made in memory, may be lost at the next start.
#[derive(Clone, Debug)]
pub struct StoreError(String);

impl StoreError {
    /// A record that is not what its service wrote: the directory was
    /// changed by something else.
    pub fn corrupt(what: impl Into<String>) -> Self {
        StoreError(format!("{} cannot be read", what.into()))
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the emulator's data directory failed: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError(e.to_string())
    }
}

/// One service's change: records written and removed together.
#[derive(Default)]
pub struct Change {
    /// Every record of the service removed first (a reset).
    everything: bool,
    puts: Vec<(&'static str, String, Vec<u8>)>,
    deletes: Vec<(&'static str, String)>,
    prefixes: Vec<(&'static str, String)>,
}

impl Change {
    /// Writes the record `key` of `kind` (replacing it).
    pub fn put(mut self, kind: &'static str, key: impl Into<String>, value: Vec<u8>) -> Self {
        self.puts.push((kind, key.into(), value));
        self
    }

    /// Removes the record `key` of `kind`, if there is one.
    pub fn delete(mut self, kind: &'static str, key: impl Into<String>) -> Self {
        self.deletes.push((kind, key.into()));
        self
    }

    /// Removes every record of `kind` whose key starts with `prefix` (a
    /// queue's messages, under `<queue>/`).
    pub fn delete_prefix(mut self, kind: &'static str, prefix: impl Into<String>) -> Self {
        self.prefixes.push((kind, prefix.into()));
        self
    }

    /// Removes every record of the service, before the rest of the change.
    pub fn everything(mut self) -> Self {
        self.everything = true;
        self
    }

    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        !self.everything && self.puts.is_empty() && self.deletes.is_empty() && self.prefixes.is_empty()
    }
}

/// A record as it was stored: its kind, key and bytes.
pub struct Record {
    pub kind: String,
    pub key: String,
    pub value: Vec<u8>,
}

impl Store {
    /// State in memory only: gone when the process ends.
    pub fn memory() -> Store {
        Store { disk: None }
    }

    /// State in `dir` (made if it does not exist), read back from what an
    /// earlier run left there.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let bodies = dir.join("bodies");
        std::fs::create_dir_all(&bodies)?;
        let db = Connection::open(dir.join("state.db"))?;
        // WAL: readers do not wait for the writer; FULL: each commit is
        // synced, so an acknowledged change survives a power cut.
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.execute_batch(
            "CREATE TABLE IF NOT EXISTS records (
                 service TEXT NOT NULL,
                 kind TEXT NOT NULL,
                 key TEXT NOT NULL,
                 value BLOB NOT NULL,
                 PRIMARY KEY (service, kind, key)
             ) WITHOUT ROWID;",
        )?;
        let db = Arc::new(Mutex::new(db));
        let (submitted, queue) = channel();
        let committing = db.clone();
        std::thread::Builder::new().name("store".to_string()).spawn(move || commit_queued(&committing, &queue))?;
        Ok(Store { disk: Some(Disk { db, bodies, submitted }) })
    }

    /// Whether the state outlives the process.
    pub fn is_durable(&self) -> bool {
        self.disk.is_some()
    }

    /// Every record of `service`, by kind and key.
    pub fn records(&self, service: &str) -> Result<Vec<Record>, StoreError> {
        let Some(disk) = &self.disk else { return Ok(Vec::new()) };
        let db = disk.db();
        let mut statement = db.prepare("SELECT kind, key, value FROM records WHERE service = ?1 ORDER BY kind, key")?;
        let rows = statement.query_map(params![service], |row| {
            Ok(Record { kind: row.get(0)?, key: row.get(1)?, value: row.get(2)? })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Commits `change` to `service`'s records, on disk before it returns
    /// (blocking the thread: [`Store::submit`] and [`Pending::durable`]
    /// wait without).
    pub fn commit(&self, service: &str, change: Change) -> Result<(), StoreError> {
        self.submit(service, change).wait()
    }

    /// Queues `change` to `service`'s records for the committing thread,
    /// after every change submitted before it.
    pub fn submit(&self, service: &str, change: Change) -> Pending {
        if change.is_empty() {
            return Pending::done();
        }
        self.queue(service, change)
    }

    /// Done once every change submitted before it is on disk: for an answer
    /// that relies on another call's change (a duplicate of a message sent
    /// a moment ago).
    pub fn barrier(&self) -> Pending {
        self.queue("", Change::default())
    }

    fn queue(&self, service: &str, change: Change) -> Pending {
        let Some(disk) = &self.disk else { return Pending::done() };
        let done = Arc::new(Done::default());
        let submitted = Submitted { service: service.to_string(), change, done: done.clone() };
        if disk.submitted.send(submitted).is_err() {
            done.set(Err(StoreError("the committing thread has stopped".to_string())));
        }
        Pending(Some(done))
    }

    /// The records of `kind` of `service`, by key, each read as a `T` (as
    /// [`record`] wrote it).
    pub fn load<T: serde::de::DeserializeOwned>(
        &self,
        service: &str,
        kind: &str,
    ) -> Result<Vec<(String, T)>, StoreError> {
        let Some(disk) = &self.disk else { return Ok(Vec::new()) };
        let db = disk.db();
        let mut statement =
            db.prepare("SELECT key, value FROM records WHERE service = ?1 AND kind = ?2 ORDER BY key")?;
        let rows = statement
            .query_map(params![service, kind], |row| Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?)))?;
        let mut records = Vec::new();
        for row in rows {
            let (key, value) = row?;
            match serde_json::from_slice(&value) {
                Ok(value) => records.push((key, value)),
                Err(_) => return Err(StoreError::corrupt(format!("{service}'s {kind} {key:?}"))),
            }
        }
        Ok(records)
    }

    /// Removes every record of `service`.
    pub fn clear(&self, service: &str) -> Result<(), StoreError> {
        self.commit(service, Change::default().everything())
    }

    /// The record `key` of `kind` of `service`, if there is one.
    #[cfg(test)]
    pub fn record(&self, service: &str, kind: &str, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        use rusqlite::OptionalExtension as _;

        let Some(disk) = &self.disk else { return Ok(None) };
        let db = disk.db();
        let value = db
            .query_row(
                "SELECT value FROM records WHERE service = ?1 AND kind = ?2 AND key = ?3",
                params![service, kind, key],
                |row| row.get(0),
            )
            .optional()?;
        Ok(value)
    }

    /// Where a new body is written, then where it is kept once synced
    /// ([`Store::keep`]), named `id`; `None` in memory.
    pub fn new_body(&self, id: &str) -> Option<(PathBuf, PathBuf)> {
        let disk = self.disk.as_ref()?;
        Some((disk.bodies.join(format!("{id}.partial")), disk.bodies.join(id)))
    }

    /// The file of the kept body `id`.
    pub fn body(&self, id: &str) -> Option<PathBuf> {
        self.disk.as_ref().map(|disk| disk.bodies.join(id))
    }

    /// Makes the synced body at `partial` the body at `kept`: renamed, and
    /// the rename synced, so that a record may name it.
    pub fn keep(&self, partial: &Path, kept: &Path) -> Result<(), StoreError> {
        std::fs::rename(partial, kept)?;
        if let Some(parent) = kept.parent() {
            std::fs::File::open(parent)?.sync_all()?;
        }
        Ok(())
    }

    /// Removes the body `id` (its record is gone); a failure leaves a file
    /// the next start removes.
    pub fn remove_body(&self, id: &str) {
        if let Some(path) = self.body(id) {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Removes the bodies no record names (`named`): those a crash left
    /// between a body's write and its record's commit, or a record's removal
    /// and its body's.
    pub fn sweep_bodies(&self, named: &HashSet<String>) -> Result<usize, StoreError> {
        let Some(disk) = &self.disk else { return Ok(0) };
        let mut removed = 0;
        for entry in std::fs::read_dir(&disk.bodies)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !named.contains(&name) {
                std::fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// A value as a record keeps it: JSON, which `sqlite3 state.db` shows as
/// it is.
pub fn record<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("a record serialises")
}

impl Disk {
    /// The database.
    fn db(&self) -> MutexGuard<'_, Connection> {
        locked(&self.db)
    }
}

/// The database; a call that panicked holding it left it usable (its
/// transaction, unfinished, rolled back).
fn locked(db: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    db.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The committing thread: takes what has queued (waiting for the first),
/// commits it in one transaction, tells each change's caller, again until
/// the store is gone.
fn commit_queued(db: &Mutex<Connection>, queue: &Receiver<Submitted>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MOST_IN_A_COMMIT {
            match queue.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let outcome = write(&mut locked(db), &batch);
        for submitted in batch {
            submitted.done.set(outcome.clone());
        }
    }
}

/// Writes `batch`'s changes, in order, in one synced transaction.
fn write(db: &mut Connection, batch: &[Submitted]) -> Result<(), StoreError> {
    let transaction = db.transaction()?;
    {
        let mut everything = transaction.prepare_cached("DELETE FROM records WHERE service = ?1")?;
        let mut put = transaction
            .prepare_cached("INSERT OR REPLACE INTO records (service, kind, key, value) VALUES (?1, ?2, ?3, ?4)")?;
        let mut delete =
            transaction.prepare_cached("DELETE FROM records WHERE service = ?1 AND kind = ?2 AND key = ?3")?;
        let mut prefixed = transaction.prepare_cached(
            "DELETE FROM records WHERE service = ?1 AND kind = ?2 AND substr(key, 1, length(?3)) = ?3",
        )?;
        for Submitted { service, change, .. } in batch {
            if change.everything {
                everything.execute(params![service])?;
            }
            for (kind, key, value) in &change.puts {
                put.execute(params![service, kind, key, value])?;
            }
            for (kind, key) in &change.deletes {
                delete.execute(params![service, kind, key])?;
            }
            for (kind, prefix) in &change.prefixes {
                prefixed.execute(params![service, kind, prefix])?;
            }
        }
    }
    transaction.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_outlive_the_store_that_wrote_them() {
        let dir = std::env::temp_dir().join(format!("emulator-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        {
            let store = Store::open(&dir).unwrap();
            let change = Change::default().put("bucket", "a", b"1".to_vec()).put("bucket", "b", b"2".to_vec());
            store.commit("s3", change).unwrap();
            store.commit("s3", Change::default().delete("bucket", "a").put("object", "b/k", b"3".to_vec())).unwrap();
            store.commit("sqs", Change::default().put("queue", "q", b"4".to_vec())).unwrap();
            let messages = Change::default().put("message", "q/1", vec![]).put("message", "q/2", vec![]);
            store.commit("sqs", messages.put("message", "qq/1", vec![])).unwrap();
            store.commit("sqs", Change::default().delete_prefix("message", "q/")).unwrap();
        }
        let store = Store::open(&dir).unwrap();
        let records: Vec<(String, String, Vec<u8>)> =
            store.records("s3").unwrap().into_iter().map(|r| (r.kind, r.key, r.value)).collect();
        assert_eq!(
            records,
            [("bucket".into(), "b".into(), b"2".to_vec()), ("object".into(), "b/k".into(), b"3".to_vec())]
        );
        store.clear("s3").unwrap();
        assert!(store.records("s3").unwrap().is_empty());
        assert_eq!(store.record("sqs", "queue", "q").unwrap(), Some(b"4".to_vec()));
        let left: Vec<String> = store.records("sqs").unwrap().into_iter().map(|r| r.key).collect();
        assert_eq!(left, ["qq/1", "q"]);
        // A body no record names is swept; a named one stays.
        let (partial, kept) = store.new_body("kept").unwrap();
        std::fs::write(&partial, b"body").unwrap();
        store.keep(&partial, &kept).unwrap();
        std::fs::write(store.new_body("orphan").unwrap().0, b"left by a crash").unwrap();
        assert_eq!(store.sweep_bodies(&HashSet::from(["kept".to_string()])).unwrap(), 1);
        assert_eq!(std::fs::read(store.body("kept").unwrap()).unwrap(), b"body");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Changes submitted from many threads at once are committed together,
    /// each in the order it was submitted, and each caller is told.
    #[test]
    fn submitted_changes_commit_in_order_in_groups() {
        let dir = std::env::temp_dir().join(format!("emulator-store-groups-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        {
            let store = Store::open(&dir).unwrap();
            std::thread::scope(|scope| {
                for thread in 0..8 {
                    let store = &store;
                    scope.spawn(move || {
                        for n in 0..50 {
                            let key = format!("{thread}");
                            let pending =
                                store.submit("sqs", Change::default().put("last", key, n.to_string().into_bytes()));
                            pending.wait().unwrap();
                        }
                    });
                }
            });
            // A barrier is done once what was submitted before it is.
            let before = store.submit("sqs", Change::default().put("last", "late", b"1".to_vec()));
            store.barrier().wait().unwrap();
            assert_eq!(store.record("sqs", "last", "late").unwrap(), Some(b"1".to_vec()));
            before.wait().unwrap();
            store.clear("sqs").unwrap();
            store.commit("sqs", Change::default().put("last", "after-clear", vec![])).unwrap();
        }
        let store = Store::open(&dir).unwrap();
        let keys: Vec<String> = store.records("sqs").unwrap().into_iter().map(|r| r.key).collect();
        assert_eq!(keys, ["after-clear"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_task_awaits_its_change_without_a_thread() {
        let dir = std::env::temp_dir().join(format!("emulator-store-await-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&dir).unwrap();
        store.submit("dynamodb", Change::default().put("item", "t/1", b"{}".to_vec())).durable().await.unwrap();
        assert_eq!(store.record("dynamodb", "item", "t/1").unwrap(), Some(b"{}".to_vec()));
        Store::memory().submit("dynamodb", Change::default().put("item", "t/1", vec![])).durable().await.unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
