//! Where an alert webhook may point (SSRF): `https://` (or `http://`) to a host whose every
//! address is public — no loopback, private, link-local, shared (CGNAT), unspecified,
//! multicast or documentation ranges — unless `LEADRELAY_ALLOW_PRIVATE_WEBHOOKS` is set. The
//! check is made when the URL is saved and again before each send, and the request then goes
//! to the very addresses checked (no second DNS lookup to rebind), without redirects.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use url::Url;

/// A webhook URL that passed the check, with the addresses to connect to.
#[derive(Debug, Clone)]
pub struct CheckedTarget {
    /// The URL.
    pub url: Url,
    /// Its host.
    pub host: String,
    /// The addresses it resolved to, all allowed.
    pub addresses: Vec<SocketAddr>,
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || first == 0x2001 && ip.segments()[1] == 0x0db8
        || first == 0x0064 && ip.segments()[1] == 0xff9b)
}

/// Whether an address may be reached without `LEADRELAY_ALLOW_PRIVATE_WEBHOOKS`.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

/// Reads a typed URL: the shape only (no DNS), with a sentence for the form.
pub fn parse(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|_| {
        "That is not a URL; paste the incoming-webhook URL, like https://hooks.slack.com/services/…".to_string()
    })?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err("The webhook URL must start with https://.".to_string());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("The webhook URL has no host.".to_string());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("The webhook URL cannot hold a user name or password.".to_string());
    }
    Ok(url)
}

/// Resolves the URL's host and checks every address.
pub async fn check(url: &Url, allow_private: bool) -> Result<CheckedTarget, String> {
    let host = url.host_str().unwrap_or_default().to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let bare = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let addresses: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((bare.as_str(), port))
            .await
            .map_err(|_| format!("The webhook host {host} could not be found (DNS)."))?
            .collect(),
    };
    if addresses.is_empty() {
        return Err(format!("The webhook host {host} has no address."));
    }
    if !allow_private && let Some(blocked) = addresses.iter().find(|a| !is_public(a.ip())) {
        return Err(format!(
            "The webhook host {host} is a private or local address ({}); leadrelay only calls public addresses.",
            blocked.ip()
        ));
    }
    Ok(CheckedTarget {
        url: url.clone(),
        host,
        addresses,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_local_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "34.120.1.1", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn urls_are_read_strictly() {
        assert!(parse("https://hooks.slack.com/services/T/B/X").is_ok());
        assert!(
            parse("ftp://example.com/x")
                .unwrap_err()
                .contains("https://")
        );
        assert!(parse("not a url").unwrap_err().contains("not a URL"));
        assert!(
            parse("https://user:pw@example.com/")
                .unwrap_err()
                .contains("password")
        );
    }

    #[tokio::test]
    async fn a_loopback_webhook_is_refused_unless_allowed() {
        let url = parse("http://127.0.0.1:9/hook").unwrap();
        let refused = check(&url, false).await.unwrap_err();
        assert!(refused.contains("private or local"), "{refused}");
        assert_eq!(check(&url, true).await.unwrap().addresses.len(), 1);
        let named = parse("http://localhost:9/hook").unwrap();
        assert!(check(&named, false).await.is_err());
    }
}
