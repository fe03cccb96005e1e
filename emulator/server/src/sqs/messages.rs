//! A queue's messages, with the indexes that let SQS's calls cost what they
//! take rather than the queue's length: a receive finds the first visible
//! messages without passing those in flight, a delete finds its message by
//! receipt handle, retention and redrive look only at the messages they
//! concern. A queue holding millions of messages, most of them in flight,
//! answers as quickly as an empty one.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant, SystemTime};

use super::queue::Message;

/// Every message of a queue, by sequence number (the order they were sent
/// in), each either visible or hidden (delayed, or received and not yet
/// deleted) until an instant.
#[derive(Default)]
pub struct Messages {
    by_sequence: BTreeMap<u64, Message>,
    /// Hidden messages, by the instant they become visible: those whose
    /// instant has passed are moved to `visible` by [`Messages::reveal`].
    hidden: BTreeSet<(Instant, u64)>,
    /// Visible messages, in order.
    visible: BTreeSet<u64>,
    /// The visible messages that were received before (back after a
    /// visibility timeout): those a redrive policy may move.
    returned: BTreeSet<u64>,
    /// Each message's latest receipt handle.
    handles: HashMap<String, u64>,
    /// Every message by when it was sent, for the retention period.
    by_sent: BTreeSet<(SystemTime, u64)>,
}

impl Messages {
    pub fn get(&self, sequence: u64) -> Option<&Message> {
        self.by_sequence.get(&sequence)
    }

    /// Adds `message`, hidden until its `visible_at`.
    pub fn push(&mut self, message: Message) {
        let sequence = message.sequence;
        self.remove(sequence);
        self.hidden.insert((message.visible_at, sequence));
        self.by_sent.insert((message.sent, sequence));
        if let Some(handle) = &message.receipt_handle {
            self.handles.insert(handle.clone(), sequence);
        }
        self.by_sequence.insert(sequence, message);
    }

    /// Removes the message `sequence`.
    pub fn remove(&mut self, sequence: u64) -> Option<Message> {
        let message = self.by_sequence.remove(&sequence)?;
        self.forget(&message);
        Some(message)
    }

    /// Removes every message, in order.
    pub fn take_all(&mut self) -> Vec<Message> {
        let messages = std::mem::take(&mut self.by_sequence);
        *self = Messages::default();
        messages.into_values().collect()
    }

    /// Drops `message`'s entries in the indexes.
    fn forget(&mut self, message: &Message) {
        let sequence = message.sequence;
        self.unlist(message.visible_at, sequence);
        self.by_sent.remove(&(message.sent, sequence));
        if let Some(handle) = &message.receipt_handle {
            if self.handles.get(handle) == Some(&sequence) {
                self.handles.remove(handle);
            }
        }
    }

    /// Takes the message `sequence`, visible from `visible_at`, out of the
    /// hidden or visible messages.
    fn unlist(&mut self, visible_at: Instant, sequence: u64) {
        self.hidden.remove(&(visible_at, sequence));
        self.visible.remove(&sequence);
        self.returned.remove(&sequence);
    }

    /// Makes visible the hidden messages whose instant is `now` or past.
    pub fn reveal(&mut self, now: Instant) {
        while let Some(&(at, sequence)) = self.hidden.first() {
            if at > now {
                break;
            }
            self.hidden.pop_first();
            self.visible.insert(sequence);
            if self.by_sequence.get(&sequence).is_some_and(|m| m.receive_count > 0) {
                self.returned.insert(sequence);
            }
        }
    }

    /// The sequence number of the message whose latest receipt is `handle`.
    pub fn by_handle(&self, handle: &str) -> Option<u64> {
        self.handles.get(handle).copied()
    }

    /// Hides the message `sequence` until `until`.
    pub fn hide_until(&mut self, sequence: u64, until: Instant) {
        let Some(message) = self.by_sequence.get_mut(&sequence) else { return };
        let visible_at = std::mem::replace(&mut message.visible_at, until);
        self.unlist(visible_at, sequence);
        self.hidden.insert((until, sequence));
    }

    /// Records a receipt of the message `sequence` under `handle`, hiding it
    /// until `until`: the message as received.
    pub fn receive(&mut self, sequence: u64, handle: String, until: Instant) -> Option<&Message> {
        self.hide_until(sequence, until);
        let message = self.by_sequence.get_mut(&sequence)?;
        if let Some(old) = message.receipt_handle.replace(handle.clone()) {
            self.handles.remove(&old);
        }
        self.handles.insert(handle, sequence);
        message.receive_count = message.receive_count.saturating_add(1);
        message.first_received.get_or_insert_with(SystemTime::now);
        Some(message)
    }

    /// The sequence numbers of the messages sent `retention` or longer
    /// before `now`.
    pub fn expired(&self, retention: Duration, now: SystemTime) -> Vec<u64> {
        self.by_sent
            .iter()
            .take_while(|(sent, _)| now.duration_since(*sent).is_ok_and(|age| age >= retention))
            .map(|(_, sequence)| *sequence)
            .collect()
    }

    /// The visible messages received `max_receive_count` times or more
    /// (call [`Messages::reveal`] first), in order.
    pub fn received_at_least(&self, max_receive_count: u32) -> Vec<u64> {
        let received = |sequence: &&u64| self.by_sequence[*sequence].receive_count >= max_receive_count;
        self.returned.iter().filter(received).copied().collect()
    }

    /// How many messages are visible, in flight and delayed at `now`.
    pub fn counts(&self, now: Instant) -> (usize, usize, usize) {
        let mut counts = (self.visible.len(), 0, 0);
        for (at, sequence) in &self.hidden {
            match (*at <= now, self.by_sequence[sequence].receipt_handle.is_some()) {
                (true, _) => counts.0 += 1,
                (false, true) => counts.1 += 1,
                (false, false) => counts.2 += 1,
            }
        }
        counts
    }

    /// When the next hidden message becomes visible, after `now`.
    pub fn next_visible(&self, now: Instant) -> Option<Instant> {
        self.hidden.iter().map(|(at, _)| *at).find(|at| *at > now)
    }

    /// The sequence numbers of the messages ReceiveMessage may take at
    /// `now` (call [`Messages::reveal`] first), at most `max`, in order:
    /// the first visible ones; in a FIFO queue (`fifo`) none of a group with
    /// a message in flight, nor any after a delayed message of its group.
    pub fn receivable(&self, now: Instant, max: usize, fifo: bool) -> Vec<u64> {
        if !fifo {
            return self.visible.iter().take(max).copied().collect();
        }
        // Only hidden messages hold a group back: those in flight all of
        // it, those delayed what was sent after them.
        let mut in_flight: HashSet<&str> = HashSet::new();
        let mut delayed: HashMap<&str, u64> = HashMap::new();
        for (at, sequence) in &self.hidden {
            let message = &self.by_sequence[sequence];
            let Some(group) = message.group_id.as_deref() else { continue };
            if *at <= now {
                continue;
            }
            if message.receipt_handle.is_some() {
                in_flight.insert(group);
            } else {
                let first = delayed.entry(group).or_insert(*sequence);
                *first = (*first).min(*sequence);
            }
        }
        let held = |message: &Message| {
            message.group_id.as_deref().is_some_and(|group| {
                in_flight.contains(group) || delayed.get(group).is_some_and(|first| *first < message.sequence)
            })
        };
        let mut chosen = Vec::new();
        for sequence in &self.visible {
            if chosen.len() == max {
                break;
            }
            if !held(&self.by_sequence[sequence]) {
                chosen.push(*sequence);
            }
        }
        chosen
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::quota::Budget;

    fn message(sequence: u64, group: Option<&str>, visible_at: Instant, sent: SystemTime) -> Message {
        Message {
            sequence,
            id: format!("id-{sequence}"),
            body: String::new(),
            md5_of_body: String::new(),
            attributes: BTreeMap::new(),
            sent,
            visible_at,
            receipt_handle: None,
            receive_count: 0,
            first_received: None,
            group_id: group.map(str::to_string),
            deduplication_id: None,
            dead_letter_source: None,
            _charge: Budget::new(u64::MAX).charge(0).unwrap(),
        }
    }

    #[test]
    fn a_receive_passes_over_what_is_in_flight_and_a_delete_finds_its_handle() {
        let now = Instant::now();
        let sent = SystemTime::now();
        let mut messages = Messages::default();
        for sequence in 0..6 {
            messages.push(message(sequence, None, now, sent));
        }
        messages.reveal(now);
        assert_eq!(messages.receivable(now, 2, false), [0, 1]);
        let later = now + Duration::from_secs(30);
        messages.receive(0, "h0".to_string(), later);
        messages.receive(1, "h1".to_string(), later);
        assert_eq!(messages.receivable(now, 10, false), [2, 3, 4, 5]);
        assert_eq!(messages.counts(now), (4, 2, 0));
        assert_eq!(messages.next_visible(now), Some(later));
        // Received again once visible: a new handle replaces the old one,
        // which still names the message until then.
        assert_eq!(messages.by_handle("h0"), Some(0));
        messages.reveal(later);
        assert_eq!(messages.receivable(later, 1, false), [0]);
        assert_eq!(messages.received_at_least(1), [0, 1]);
        messages.receive(0, "h0'".to_string(), later + Duration::from_secs(30));
        assert_eq!(messages.by_handle("h0"), None);
        assert_eq!(messages.by_handle("h0'"), Some(0));
        assert_eq!(messages.get(0).unwrap().receive_count, 2);
        assert_eq!(messages.received_at_least(2), Vec::<u64>::new());
        assert!(messages.remove(0).is_some());
        assert_eq!(messages.by_handle("h0'"), None);
        assert_eq!(messages.by_sequence.len(), 5);
        // Back in a moment: hidden until then, visible after.
        messages.hide_until(1, later);
        assert_eq!(messages.counts(later), (5, 0, 0));
        assert_eq!(messages.take_all().len(), 5);
        assert_eq!(messages.counts(later), (0, 0, 0));
    }

    #[test]
    fn a_fifo_group_is_held_by_a_message_in_flight_or_delayed_before_the_rest() {
        let now = Instant::now();
        let sent = SystemTime::now();
        let mut messages = Messages::default();
        let later = now + Duration::from_secs(60);
        messages.push(message(0, Some("a"), now, sent));
        messages.push(message(1, Some("a"), now, sent));
        messages.push(message(2, Some("b"), now, sent));
        messages.push(message(3, Some("c"), later, sent));
        messages.push(message(4, Some("c"), now, sent));
        messages.push(message(5, Some("b"), now, sent));
        messages.reveal(now);
        assert_eq!(messages.receivable(now, 10, true), [0, 1, 2, 5]);
        messages.receive(0, "h".to_string(), later);
        assert_eq!(messages.receivable(now, 10, true), [2, 5]);
        // Once visible again, the group is free (and in order).
        messages.reveal(later);
        assert_eq!(messages.receivable(later, 10, true), [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn retention_takes_the_oldest_sends() {
        let now = Instant::now();
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut messages = Messages::default();
        for sequence in 0..4 {
            messages.push(message(sequence, None, now, start + Duration::from_secs(10 * sequence)));
        }
        // Moved as a dead letter: a later sequence, sent earlier.
        messages.push(message(9, None, now, start - Duration::from_secs(5)));
        let retention = Duration::from_secs(60);
        assert_eq!(messages.expired(retention, start + Duration::from_secs(70)), [9, 0, 1]);
        assert_eq!(messages.expired(retention, start), Vec::<u64>::new());
    }

    /// The indexes answer as a plain list of the messages, looked through
    /// whole as the queue once did, over 20,000 random sends, receives,
    /// deletes, visibility changes, expiries and the passing of time
    /// (standard and FIFO; a fixed seed, so that a failure repeats).
    #[test]
    fn the_indexes_answer_as_a_list_looked_through_would() {
        /// A message as the list keeps it.
        #[derive(Clone)]
        struct Listed {
            sequence: u64,
            group: Option<&'static str>,
            visible_at: Instant,
            sent: SystemTime,
            handle: Option<String>,
            receive_count: u32,
        }
        fn receivable(list: &[Listed], now: Instant, max: usize, fifo: bool) -> Vec<u64> {
            let in_flight: HashSet<&str> = list
                .iter()
                .filter(|m| fifo && m.visible_at > now && m.handle.is_some())
                .filter_map(|m| m.group)
                .collect();
            let mut blocked = HashSet::new();
            let mut chosen = Vec::new();
            for m in list {
                if chosen.len() == max {
                    break;
                }
                let group = m.group.filter(|_| fifo);
                if group.is_some_and(|g| in_flight.contains(g) || blocked.contains(g)) {
                    continue;
                }
                if m.visible_at <= now {
                    chosen.push(m.sequence);
                } else if let Some(group) = group {
                    blocked.insert(group);
                }
            }
            chosen
        }
        for fifo in [false, true] {
            let mut seed: u64 = 0x2545_f491_4f6c_dd1d ^ u64::from(fifo);
            let mut next = |below: u64| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed % below
            };
            let start = Instant::now();
            let sent_start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
            let mut elapsed = Duration::ZERO;
            let mut messages = Messages::default();
            let mut list: Vec<Listed> = Vec::new();
            let mut handles: Vec<String> = Vec::new();
            let mut sequence = 0;
            let retention = Duration::from_secs(40);
            for step in 0..20_000 {
                let now = start + elapsed;
                match next(8) {
                    0 | 1 => {
                        let group = [Some("a"), Some("b"), Some("c")][next(3) as usize].filter(|_| fifo);
                        let delay = Duration::from_secs([0, 0, 0, 5][next(4) as usize]);
                        // A dead letter keeps when it was first sent.
                        let sent = sent_start + elapsed - Duration::from_secs([0, 0, 0, 15][next(4) as usize]);
                        let mut m = message(sequence, group, now + delay, sent);
                        m.sent = sent;
                        messages.push(m);
                        list.push(Listed {
                            sequence,
                            group,
                            visible_at: now + delay,
                            sent,
                            handle: None,
                            receive_count: 0,
                        });
                        sequence += 1;
                    }
                    2 => elapsed += Duration::from_millis(next(3_000)),
                    3 | 4 => {
                        messages.reveal(now);
                        let max = 1 + next(3) as usize;
                        let expected = receivable(&list, now, max, fifo);
                        assert_eq!(messages.receivable(now, max, fifo), expected, "step {step}");
                        let until = now + Duration::from_secs([0, 2, 10][next(3) as usize]);
                        for taken in expected {
                            let handle = format!("h{step}-{taken}");
                            let received = messages.receive(taken, handle.clone(), until).unwrap();
                            assert_eq!(received.sequence, taken);
                            let listed = list.iter_mut().find(|m| m.sequence == taken).unwrap();
                            listed.visible_at = until;
                            listed.handle = Some(handle.clone());
                            listed.receive_count += 1;
                            handles.push(handle);
                        }
                    }
                    5 if !handles.is_empty() => {
                        let handle = handles[next(handles.len() as u64) as usize].clone();
                        let expected = list.iter().position(|m| m.handle.as_deref() == Some(handle.as_str()));
                        let found = messages.by_handle(&handle);
                        assert_eq!(found, expected.map(|i| list[i].sequence), "step {step}");
                        if let (Some(found), Some(index)) = (found, expected) {
                            if next(2) == 0 {
                                assert!(messages.remove(found).is_some());
                                list.remove(index);
                            } else {
                                let until = now + Duration::from_secs(next(4));
                                messages.hide_until(found, until);
                                list[index].visible_at = until;
                            }
                        }
                    }
                    _ => {
                        let mut expected: Vec<u64> = list
                            .iter()
                            .filter(|m| (sent_start + elapsed).duration_since(m.sent).is_ok_and(|a| a >= retention))
                            .map(|m| m.sequence)
                            .collect();
                        let mut expired = messages.expired(retention, sent_start + elapsed);
                        expired.sort_unstable();
                        expected.sort_unstable();
                        assert_eq!(expired, expected, "step {step}");
                        for gone in expired {
                            messages.remove(gone);
                        }
                        list.retain(|m| !expected.contains(&m.sequence));
                    }
                }
                let now = start + elapsed;
                let counts =
                    list.iter().fold((0, 0, 0), |(v, f, d), m| match (m.visible_at <= now, m.handle.is_some()) {
                        (true, _) => (v + 1, f, d),
                        (false, true) => (v, f + 1, d),
                        (false, false) => (v, f, d + 1),
                    });
                assert_eq!(messages.counts(now), counts, "step {step}");
                let next_visible = list.iter().map(|m| m.visible_at).filter(|at| *at > now).min();
                assert_eq!(messages.next_visible(now), next_visible, "step {step}");
                messages.reveal(now);
                for times in [1, 2] {
                    let received: Vec<u64> = list
                        .iter()
                        .filter(|m| m.visible_at <= now && m.receive_count >= times)
                        .map(|m| m.sequence)
                        .collect();
                    assert_eq!(messages.received_at_least(times), received, "step {step}");
                }
            }
        }
    }
}
