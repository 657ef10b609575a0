#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Stream-to-connection assignment stability and the control-message diff.

use std::collections::BTreeSet;

use exchange_connectors::sharding::{Assignment, assign, diff};

fn streams(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("s{i:04}usdt@kline_1m")).collect()
}

fn location(a: &Assignment) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = a
        .connections
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.iter().map(move |s| (s.clone(), i)))
        .collect();
    out.sort();
    out
}

#[test]
fn fills_connections_up_to_the_cap() {
    let a = assign(&Assignment::default(), &streams(0..2500), 1024);
    assert_eq!(
        a.connections.iter().map(BTreeSet::len).collect::<Vec<_>>(),
        [1024, 1024, 452]
    );
    assert_eq!(a.stream_count(), 2500);
}

#[test]
fn duplicates_are_assigned_once() {
    let mut s = streams(0..3);
    s.extend(streams(0..3));
    assert_eq!(assign(&Assignment::default(), &s, 10).stream_count(), 3);
}

#[test]
fn adding_a_stream_moves_nothing_else() {
    let before = assign(&Assignment::default(), &streams(0..25), 10);
    let mut more = streams(0..25);
    more.insert(0, "aaaa@kline_1m".to_owned()); // sorts first: must not shift anyone
    let after = assign(&before, &more, 10);
    let kept: Vec<_> = location(&after)
        .into_iter()
        .filter(|(s, _)| s != "aaaa@kline_1m")
        .collect();
    assert_eq!(kept, location(&before));
    let changes = diff(&before, &after, 100);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].connection, 2);
    assert_eq!(changes[0].subscribe, [vec!["aaaa@kline_1m".to_owned()]]);
    assert!(changes[0].unsubscribe.is_empty() && !changes[0].opened);
}

#[test]
fn removing_streams_only_unsubscribes_and_frees_room_for_new_ones() {
    let before = assign(&Assignment::default(), &streams(0..20), 10);
    let mut fewer = streams(0..20);
    fewer.retain(|s| s != "s0003usdt@kline_1m");
    let after = assign(&before, &fewer, 10);
    let changes = diff(&before, &after, 100);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].connection, changes[0].unsubscribe.clone()),
        (0, vec![vec!["s0003usdt@kline_1m".to_owned()]])
    );

    // The freed slot on connection 0 is reused before a new connection is opened.
    let mut plus = fewer.clone();
    plus.push("zzzz@kline_1m".to_owned());
    let refilled = assign(&after, &plus, 10);
    assert!(refilled.connections[0].contains("zzzz@kline_1m"));
    assert_eq!(refilled.connections.len(), 2);
}

#[test]
fn growth_beyond_capacity_opens_a_connection() {
    let before = assign(&Assignment::default(), &streams(0..10), 10);
    let after = assign(&before, &streams(0..13), 10);
    let changes = diff(&before, &after, 2);
    assert_eq!(changes.len(), 1);
    let change = &changes[0];
    assert!(change.opened && change.connection == 1);
    assert_eq!(
        change.subscribe.iter().map(Vec::len).collect::<Vec<_>>(),
        [2, 1]
    );
}

#[test]
fn lowering_the_cap_moves_only_the_overflow() {
    let before = assign(&Assignment::default(), &streams(0..10), 10);
    let after = assign(&before, &streams(0..10), 4);
    assert_eq!(
        after
            .connections
            .iter()
            .map(BTreeSet::len)
            .collect::<Vec<_>>(),
        [4, 4, 2]
    );
    assert!(after.connections[0].is_subset(&before.connections[0]));
}

#[test]
fn emptied_connections_are_reported_and_trailing_ones_dropped() {
    let before = assign(&Assignment::default(), &streams(0..15), 10);
    let after = assign(&before, &streams(0..5), 10);
    assert_eq!(after.connections.len(), 1);
    let changes = diff(&before, &after, 1000);
    assert_eq!(changes.len(), 2);
    assert!(!changes[0].emptied && changes[1].emptied);
    assert_eq!(changes[1].unsubscribe[0].len(), 5);
}

#[test]
fn assignment_is_deterministic_and_a_no_op_diff_is_empty() {
    let mut shuffled = streams(0..50);
    shuffled.reverse();
    let a = assign(&Assignment::default(), &streams(0..50), 7);
    assert_eq!(assign(&Assignment::default(), &shuffled, 7), a);
    assert_eq!(assign(&a, &shuffled, 7), a);
    assert!(diff(&a, &a, 10).is_empty());
}

#[test]
fn zero_sizes_do_not_panic() {
    let a = assign(&Assignment::default(), &streams(0..3), 0);
    assert_eq!(a.connections.len(), 3);
    assert_eq!(diff(&Assignment::default(), &a, 0).len(), 3);
}
