//! Who sent a request, behind a reverse proxy: the client address comes from
//! `X-Forwarded-For` only when the connection is from a proxy the operator trusts
//! (`--trust-proxy`); otherwise it is the connection's own address, whatever the header says.

use ipnet::IpNet;
use std::net::IpAddr;

/// The networks whose connections are trusted to say who the client is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Reads `10.0.0.0/8,192.168.1.5` (an address alone is the one address).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let net = part
                .parse::<IpNet>()
                .or_else(|_| part.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!(
                        "{part:?} is not an address or network\n  fix: write addresses or networks separated by commas, such as 10.0.0.0/8,127.0.0.1"
                    )
                })?;
            nets.push(net);
        }
        Ok(Self(nets))
    }

    /// The networks, as given (`10.0.0.0/8,127.0.0.1/32`), or "none".
    pub fn describe(&self) -> String {
        if self.0.is_empty() {
            return "none".into();
        }
        self.0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client's address: the peer's, unless the peer is trusted, in which case the
    /// rightmost address of `X-Forwarded-For` that is not itself a trusted proxy (the leftmost
    /// entries can be written by anyone).
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let Some(header) = forwarded_for else {
            return peer;
        };
        let mut client = peer;
        for hop in header.rsplit(',').map(str::trim) {
            match hop_address(hop) {
                Ok(ip) => {
                    client = ip;
                    if !self.trusts(ip) {
                        break;
                    }
                }
                // A hop that is not an address ends what can be believed.
                Err(_) => break,
            }
        }
        client
    }
}

/// A hop's address, with or without a port (`203.0.113.9`, `203.0.113.9:4711`,
/// `[2001:db8::1]:443`, `2001:db8::1`).
fn hop_address(hop: &str) -> Result<IpAddr, ()> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<std::net::SocketAddr>().map(|s| s.ip()))
        .or_else(|_| {
            hop.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .ok_or(())
                .and_then(|h| h.parse::<IpAddr>().map_err(|_| ()))
        })
        .map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hops_with_a_port_are_read_by_their_address() {
        let t = TrustedProxies::parse("10.0.0.0/8").unwrap();
        for (hop, want) in [
            ("5.5.5.5:1234", "5.5.5.5"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
        ] {
            assert_eq!(t.client(ip("10.0.0.2"), Some(hop)), ip(want), "{hop}");
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_header_is_believed_only_from_a_trusted_proxy_and_only_its_rightmost_untrusted_hop() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("10.0.0.2"), Some("203.0.113.9")),
            ip("10.0.0.2")
        );
        let t = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").unwrap();
        assert_eq!(
            t.client(ip("10.0.0.2"), Some("203.0.113.9")),
            ip("203.0.113.9")
        );
        // A client that writes its own header cannot choose its address.
        assert_eq!(
            t.client(ip("10.0.0.2"), Some("198.51.100.1, 203.0.113.9")),
            ip("203.0.113.9")
        );
        // Two proxies in a row.
        assert_eq!(
            t.client(ip("127.0.0.1"), Some("203.0.113.9, 10.1.1.1")),
            ip("203.0.113.9")
        );
        // Not from a trusted proxy: the header is ignored.
        assert_eq!(
            t.client(ip("198.51.100.7"), Some("203.0.113.9")),
            ip("198.51.100.7")
        );
        assert_eq!(t.client(ip("10.0.0.2"), None), ip("10.0.0.2"));
        assert_eq!(t.client(ip("10.0.0.2"), Some("junk")), ip("10.0.0.2"));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(
            TrustedProxies::parse("proxy.example")
                .unwrap_err()
                .contains("fix:")
        );
    }
}
