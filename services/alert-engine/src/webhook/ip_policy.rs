//! Which IP addresses a webhook may never reach: the pure half of the SSRF guard, kept apart so it can be
//! tested exhaustively without sockets.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is refused. Stable strings: they end up in `alert_events.last_error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    Loopback,
    Private,
    LinkLocal,
    SharedCgnat,
    Multicast,
    Unspecified,
    Broadcast,
    Reserved,
    Metadata,
}

impl Blocked {
    pub fn as_str(self) -> &'static str {
        match self {
            Blocked::Loopback => "loopback",
            Blocked::Private => "private",
            Blocked::LinkLocal => "link-local",
            Blocked::SharedCgnat => "carrier-grade NAT",
            Blocked::Multicast => "multicast",
            Blocked::Unspecified => "unspecified",
            Blocked::Broadcast => "broadcast",
            Blocked::Reserved => "reserved",
            Blocked::Metadata => "cloud metadata",
        }
    }
}

/// `Some(reason)` when a webhook must not connect to `ip`. IPv6 addresses that embed an IPv4 address
/// (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by it.
pub fn classify(ip: IpAddr) -> Option<Blocked> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<Blocked> {
    let [a, b, c, _] = ip.octets();
    if ip.is_unspecified() || a == 0 {
        return Some(Blocked::Unspecified);
    }
    if ip.is_loopback() {
        return Some(Blocked::Loopback);
    }
    if ip == Ipv4Addr::new(169, 254, 169, 254) || ip == Ipv4Addr::new(100, 100, 100, 200) {
        return Some(Blocked::Metadata);
    }
    if ip.is_link_local() {
        return Some(Blocked::LinkLocal);
    }
    if ip.is_private() {
        return Some(Blocked::Private);
    }
    if a == 100 && (64..128).contains(&b) {
        return Some(Blocked::SharedCgnat);
    }
    if ip.is_multicast() {
        return Some(Blocked::Multicast);
    }
    if ip.is_broadcast() {
        return Some(Blocked::Broadcast);
    }
    // 240.0.0.0/4 (future use), 192.0.0.0/24 (protocol assignments), 198.18.0.0/15 (benchmarking).
    if a >= 240 || (a == 192 && b == 0 && c == 0) || (a == 198 && (b == 18 || b == 19)) {
        return Some(Blocked::Reserved);
    }
    None
}

fn classify_v6(ip: Ipv6Addr) -> Option<Blocked> {
    if let Some(v4) = embedded_v4(ip) {
        return classify_v4(v4);
    }
    let seg = ip.segments();
    if ip.is_unspecified() {
        return Some(Blocked::Unspecified);
    }
    if ip.is_loopback() {
        return Some(Blocked::Loopback);
    }
    if ip == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) {
        return Some(Blocked::Metadata);
    }
    // fe80::/10 link-local, fec0::/10 deprecated site-local.
    if seg[0] & 0xffc0 == 0xfe80 || seg[0] & 0xffc0 == 0xfec0 {
        return Some(Blocked::LinkLocal);
    }
    // fc00::/7 unique local addresses.
    if seg[0] & 0xfe00 == 0xfc00 {
        return Some(Blocked::Private);
    }
    if ip.is_multicast() {
        return Some(Blocked::Multicast);
    }
    // 100::/64 discard-only, 2001:db8::/32 documentation.
    if (seg[0] == 0x0100 && seg[1..4] == [0, 0, 0]) || (seg[0] == 0x2001 && seg[1] == 0x0db8) {
        return Some(Blocked::Reserved);
    }
    None
}

fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let seg = ip.segments();
    let tail = Ipv4Addr::new(
        (seg[6] >> 8) as u8,
        seg[6] as u8,
        (seg[7] >> 8) as u8,
        seg[7] as u8,
    );
    if let Some(mapped) = ip.to_ipv4_mapped() {
        return Some(mapped);
    }
    // ::a.b.c.d (deprecated IPv4-compatible), but not :: and ::1 themselves.
    if seg[..6] == [0; 6] && !(seg[6] == 0 && seg[7] <= 1) {
        return Some(tail);
    }
    // 64:ff9b::/96 NAT64 well-known prefix.
    if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(tail);
    }
    // 2002:a.b.c.d::/48 6to4.
    if seg[0] == 0x2002 {
        return Some(Ipv4Addr::new(
            (seg[1] >> 8) as u8,
            seg[1] as u8,
            (seg[2] >> 8) as u8,
            seg[2] as u8,
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_table() {
        let table: &[(&str, Option<Blocked>)] = &[
            ("8.8.8.8", None),
            ("1.1.1.1", None),
            ("93.184.216.34", None),
            ("0.0.0.0", Some(Blocked::Unspecified)),
            ("0.1.2.3", Some(Blocked::Unspecified)),
            ("127.0.0.1", Some(Blocked::Loopback)),
            ("127.255.255.254", Some(Blocked::Loopback)),
            ("10.0.0.1", Some(Blocked::Private)),
            ("172.16.0.1", Some(Blocked::Private)),
            ("172.31.255.255", Some(Blocked::Private)),
            ("172.32.0.1", None),
            ("192.168.1.1", Some(Blocked::Private)),
            ("169.254.1.1", Some(Blocked::LinkLocal)),
            ("169.254.169.254", Some(Blocked::Metadata)),
            ("100.100.100.200", Some(Blocked::Metadata)),
            ("100.64.0.1", Some(Blocked::SharedCgnat)),
            ("100.127.255.255", Some(Blocked::SharedCgnat)),
            ("100.128.0.1", None),
            ("224.0.0.1", Some(Blocked::Multicast)),
            ("239.255.255.250", Some(Blocked::Multicast)),
            ("255.255.255.255", Some(Blocked::Broadcast)),
            ("240.0.0.1", Some(Blocked::Reserved)),
            ("198.18.0.1", Some(Blocked::Reserved)),
            ("::", Some(Blocked::Unspecified)),
            ("::1", Some(Blocked::Loopback)),
            ("fe80::1", Some(Blocked::LinkLocal)),
            ("febf::1", Some(Blocked::LinkLocal)),
            ("fec0::1", Some(Blocked::LinkLocal)),
            ("fc00::1", Some(Blocked::Private)),
            ("fd12:3456::1", Some(Blocked::Private)),
            ("fd00:ec2::254", Some(Blocked::Metadata)),
            ("ff02::1", Some(Blocked::Multicast)),
            ("2001:db8::1", Some(Blocked::Reserved)),
            ("2606:4700:4700::1111", None),
            ("::ffff:127.0.0.1", Some(Blocked::Loopback)),
            ("::ffff:10.1.2.3", Some(Blocked::Private)),
            ("::ffff:169.254.169.254", Some(Blocked::Metadata)),
            ("::ffff:8.8.8.8", None),
            ("::127.0.0.1", Some(Blocked::Loopback)),
            ("64:ff9b::192.168.0.1", Some(Blocked::Private)),
            ("64:ff9b::8.8.8.8", None),
            ("2002:7f00:1::", Some(Blocked::Loopback)),
            ("2002:0808:0808::", None),
        ];
        for (text, expected) in table {
            let ip: IpAddr = text.parse().unwrap();
            assert_eq!(classify(ip), *expected, "{text}");
        }
    }

    #[test]
    fn reasons_are_stable_strings() {
        assert_eq!(Blocked::Metadata.as_str(), "cloud metadata");
        assert_eq!(Blocked::SharedCgnat.as_str(), "carrier-grade NAT");
    }
}
