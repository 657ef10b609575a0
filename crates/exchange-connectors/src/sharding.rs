//! Assigning streams to WebSocket connections, and the control messages to move between plans.
//!
//! Stability matters more than balance: every stream that stays in the universe keeps its
//! connection, so adding or removing a symbol touches only the connections with free room
//! (no resubscribe storm against the 5 messages/s limit).

use std::collections::BTreeSet;

/// Streams per connection, by connection index. Indices are stable across [`assign`] calls;
/// a connection can end up empty and is then reused before a new one is opened.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assignment {
    pub connections: Vec<BTreeSet<String>>,
}

impl Assignment {
    pub fn stream_count(&self) -> usize {
        self.connections.iter().map(BTreeSet::len).sum()
    }
}

/// Places `streams` on connections holding at most `per_connection` each, keeping every stream
/// already in `previous` where it is. New streams fill the lowest-index connections with room,
/// in sorted order, so the result is deterministic. `per_connection` of 0 is treated as 1.
pub fn assign(previous: &Assignment, streams: &[String], per_connection: usize) -> Assignment {
    let cap = per_connection.max(1);
    let wanted: BTreeSet<&str> = streams.iter().map(String::as_str).collect();
    let mut connections: Vec<BTreeSet<String>> = previous
        .connections
        .iter()
        .map(|c| {
            c.iter()
                .filter(|s| wanted.contains(s.as_str()))
                .cloned()
                .collect()
        })
        .collect();
    // A lowered cap moves the overflow (the largest names) to other connections.
    let mut pending: BTreeSet<String> = BTreeSet::new();
    for conn in &mut connections {
        while conn.len() > cap {
            if let Some(last) = conn.pop_last() {
                pending.insert(last);
            }
        }
    }
    let placed: BTreeSet<&str> = connections.iter().flatten().map(String::as_str).collect();
    pending.extend(
        wanted
            .iter()
            .filter(|s| !placed.contains(*s))
            .map(|s| (*s).to_owned()),
    );
    let mut index = 0;
    for stream in pending {
        while index < connections.len() && connections[index].len() >= cap {
            index += 1;
        }
        if index == connections.len() {
            connections.push(BTreeSet::new());
        }
        connections[index].insert(stream);
    }
    while connections.last().is_some_and(BTreeSet::is_empty) {
        connections.pop();
    }
    Assignment { connections }
}

/// What to send on one connection to go from the old plan to the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionChange {
    pub connection: usize,
    /// The connection did not exist in the old plan: open it (its streams are in `subscribe`).
    pub opened: bool,
    /// The connection has no streams left in the new plan and may be closed.
    pub emptied: bool,
    /// UNSUBSCRIBE batches, each at most `batch` streams, to send before `subscribe`.
    pub unsubscribe: Vec<Vec<String>>,
    pub subscribe: Vec<Vec<String>>,
}

/// Per-connection UNSUBSCRIBE/SUBSCRIBE batches (at most `batch` streams each, 0 treated as 1)
/// turning `old` into `new`; unchanged connections are omitted.
pub fn diff(old: &Assignment, new: &Assignment, batch: usize) -> Vec<ConnectionChange> {
    let batch = batch.max(1);
    let empty = BTreeSet::new();
    let chunks = |set: Vec<&String>| {
        set.chunks(batch)
            .map(|c| c.iter().map(|s| (*s).clone()).collect())
            .collect()
    };
    let count = old.connections.len().max(new.connections.len());
    (0..count)
        .filter_map(|connection| {
            let before = old.connections.get(connection).unwrap_or(&empty);
            let after = new.connections.get(connection).unwrap_or(&empty);
            let removed: Vec<&String> = before.difference(after).collect();
            let added: Vec<&String> = after.difference(before).collect();
            if removed.is_empty() && added.is_empty() {
                return None;
            }
            Some(ConnectionChange {
                connection,
                opened: connection >= old.connections.len() || before.is_empty(),
                emptied: after.is_empty(),
                unsubscribe: chunks(removed),
                subscribe: chunks(added),
            })
        })
        .collect()
}
