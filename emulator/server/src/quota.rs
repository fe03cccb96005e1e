//! How much the emulator keeps: a budget of bytes that every service's
//! state in memory is charged against (messages, items, parameters, log
//! events, object bodies kept in memory), so that a test that sends too
//! much meets an error that names the limit instead of a process that grows
//! until the machine kills it.
//!
//! AWS has no such limit (its backlog is its disks); the emulator's default,
//! [`DEFAULT_STATE_BYTES`], is far above what tests keep, and
//! `--max-state-bytes` raises or lowers it. Each kept value holds its
//! [`Charge`], and gives it back when it is dropped: deleting a queue, a
//! table or a message, or a reset, frees its share at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The default budget: 1 GiB of state.
pub const DEFAULT_STATE_BYTES: u64 = 1 << 30;

/// The bytes of state the services may keep, and how many they keep.
#[derive(Debug)]
pub struct Budget {
    limit: u64,
    used: AtomicU64,
}

/// The share of the budget one kept value holds, given back when it is
/// dropped.
#[derive(Debug)]
pub struct Charge {
    budget: Arc<Budget>,
    bytes: u64,
}

/// A change that would take the state past its budget: refused, nothing
/// kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exceeded {
    pub limit: u64,
}

impl Exceeded {
    /// What the refusal says: the limit, and the flag that moves it.
    pub fn message(&self) -> String {
        format!(
            "The emulator keeps at most {} bytes of state (--max-state-bytes); delete some, reset it \
             (POST /_emulator/reset) or start it with a larger limit.",
            self.limit
        )
    }
}

impl Budget {
    pub fn new(limit: u64) -> Arc<Budget> {
        Arc::new(Budget { limit, used: AtomicU64::new(0) })
    }

    /// Takes `bytes` from the budget for a value to be kept, or refuses if
    /// they are more than what is left.
    pub fn charge(self: &Arc<Self>, bytes: usize) -> Result<Charge, Exceeded> {
        let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
        let taken = self.used.fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
            used.checked_add(bytes).filter(|total| *total <= self.limit)
        });
        match taken {
            Ok(_) => Ok(Charge { budget: self.clone(), bytes }),
            Err(_) => Err(Exceeded { limit: self.limit }),
        }
    }

    /// The bytes kept now.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Acquire)
    }

    /// The most it keeps.
    pub fn limit(&self) -> u64 {
        self.limit
    }
}

impl Charge {
    /// The bytes this value holds.
    #[cfg(test)]
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        self.budget.used.fetch_sub(self.bytes, Ordering::AcqRel);
    }
}

/// Reads a size as `--max-state-bytes` takes it: bytes, or with a unit
/// (`512MiB`, `2GiB`, `64KiB`; `MB` and `GB` are read as their binary
/// units, as people mean them for memory).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("{text:?} is not a size: write bytes, or a number with KiB, MiB or GiB")),
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{text:?} is not a size: write bytes, or a number with KiB, MiB or GiB"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_are_refused_past_the_limit_and_given_back_when_dropped() {
        let budget = Budget::new(100);
        let first = budget.charge(60).unwrap();
        assert_eq!(budget.charge(41).unwrap_err(), Exceeded { limit: 100 });
        let second = budget.charge(40).unwrap();
        assert_eq!(budget.used(), 100);
        drop(first);
        assert_eq!(budget.used(), 40);
        assert_eq!(second.bytes(), 40);
        drop(second);
        assert_eq!(budget.used(), 0);
        assert!(Exceeded { limit: 100 }.message().contains("--max-state-bytes"));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("2GB"), Ok(2 << 30));
        assert_eq!(parse_size("64 KiB"), Ok(64 << 10));
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999GiB").is_err());
    }
}
