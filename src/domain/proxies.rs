//! Which reverse proxies may tell leadrelay a client's address (`LEADRELAY_TRUSTED_PROXIES`).
//!
//! Behind a TLS proxy (Caddy, nginx) every connection comes from the proxy, so without this
//! the sign-in throttle would count every user's attempts as one address, and leads and
//! audit entries would all name the proxy. A proxy listed here appends the address it saw to
//! `X-Forwarded-For`; leadrelay reads that header from right to left, skipping the trusted
//! proxies, and takes the first address that is not one of them. From any other peer the
//! header is ignored (anyone can send it), and with nothing configured no header is ever
//! trusted.

use std::net::IpAddr;

use ipnet::IpNet;

/// The trusted proxies: addresses and networks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    networks: Vec<IpNet>,
}

impl TrustedProxies {
    /// Parses a comma-separated list of addresses (`127.0.0.1`, `::1`) and networks
    /// (`10.0.0.0/8`), or says which entry is wrong. Empty means none.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut networks = Vec::new();
        for entry in text
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
        {
            let network = if entry.contains('/') {
                entry.parse::<IpNet>().map_err(|_| {
                    format!("{entry:?} is not an IP network; write it like 10.0.0.0/8 or fd00::/8")
                })?
            } else {
                IpNet::from(entry.parse::<IpAddr>().map_err(|_| {
                    format!("{entry:?} is not an IP address; write it like 127.0.0.1 or ::1")
                })?)
            };
            networks.push(network.trunc());
        }
        Ok(Self { networks })
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.networks.is_empty()
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.networks.iter().any(|network| network.contains(&ip))
    }

    /// The client's address: `peer` itself unless it is a trusted proxy, in which case the
    /// right-most address of the `X-Forwarded-For` values that is not a trusted proxy (or the
    /// left-most, when every one is). A malformed entry stops the walk at the peer before it:
    /// what lies left of it cannot be trusted.
    pub fn client_ip<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl Iterator<Item = &'a str>,
    ) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>().map(canonical) else {
                return client;
            };
            client = ip;
            if !self.trusts(ip) {
                return ip;
            }
        }
        client
    }
}

/// IPv4 addresses that arrive mapped into IPv6 (`::ffff:10.0.0.1`) compare as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn addresses_and_networks_parse_and_mistakes_are_named() {
        let proxies = TrustedProxies::parse(" 127.0.0.1, 10.0.0.0/8 ,fd00::/8").unwrap();
        assert!(proxies.trusts(ip("127.0.0.1")));
        assert!(proxies.trusts(ip("10.200.3.4")));
        assert!(proxies.trusts(ip("::ffff:10.1.1.1")));
        assert!(proxies.trusts(ip("fd12::1")));
        assert!(!proxies.trusts(ip("192.168.1.1")));
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        let err = TrustedProxies::parse("127.0.0.1,proxy.internal").unwrap_err();
        assert!(
            err.contains("\"proxy.internal\" is not an IP address"),
            "{err}"
        );
        let err = TrustedProxies::parse("10.0.0.0/40").unwrap_err();
        assert!(err.contains("is not an IP network"), "{err}");
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies::parse("127.0.0.1,10.0.0.0/8").unwrap();
        let from = |peer: &str, header: &[&'static str]| {
            proxies.client_ip(ip(peer), header.iter().copied())
        };
        // A client that sends its own header through the proxy cannot pick its address.
        assert_eq!(
            from("127.0.0.1", &["6.6.6.6, 203.0.113.9"]),
            ip("203.0.113.9")
        );
        // Two trusted hops (a load balancer in front of the local proxy).
        assert_eq!(
            from("127.0.0.1", &["203.0.113.9, 10.0.0.5"]),
            ip("203.0.113.9")
        );
        assert_eq!(
            from("127.0.0.1", &["203.0.113.9", "10.0.0.5"]),
            ip("203.0.113.9")
        );
        // Not from a proxy: the header is ignored.
        assert_eq!(from("198.51.100.1", &["203.0.113.9"]), ip("198.51.100.1"));
        // No header, or only proxies in it.
        assert_eq!(from("127.0.0.1", &[]), ip("127.0.0.1"));
        assert_eq!(from("127.0.0.1", &["10.0.0.5"]), ip("10.0.0.5"));
        // Garbage stops the walk at the last good hop.
        assert_eq!(from("127.0.0.1", &["203.0.113.9, junk"]), ip("127.0.0.1"));
        assert_eq!(from("127.0.0.1", &["junk, 10.0.0.5"]), ip("10.0.0.5"));
        // Nothing trusted: never the header.
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_ip(ip("127.0.0.1"), ["203.0.113.9"].into_iter()),
            ip("127.0.0.1")
        );
    }
}
