//! Requests the server makes stay outside (robots and webhooks): a URL
//! whose host is, or resolves to, a loopback, private, link-local,
//! unique-local, shared or unspecified address, or is a name of the local
//! machine or a cloud's metadata service, is refused when it is saved (422
//! `url`) and never connected to when a delivery is sent — unless the
//! operator's allow-list (`--outbound-allow` / `LOBBY_OUTBOUND_ALLOW`: host
//! names, addresses or CIDRs) names it, for an in-house relay.
//!
//! At send time the host is resolved once, every address is checked, and
//! the connection goes to the checked addresses only (no second lookup that
//! a rebinding name could answer differently); proxies from the environment
//! are not used, redirects are not followed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use ipnet::IpNet;
use url::Url;

use crate::{AppError, AppResult};

/// The operator's exceptions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outbound {
    hosts: Vec<String>,
    nets: Vec<IpNet>,
}

impl Outbound {
    /// From a comma-separated list (`relay.internal, 10.0.0.0/8, ::1`).
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut o = Outbound::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if let Ok(net) = entry.parse::<IpNet>() {
                o.nets.push(net);
            } else if let Ok(ip) = entry.trim_matches(['[', ']']).parse::<IpAddr>() {
                o.nets.push(IpNet::from(ip));
            } else if entry.len() <= 253
                && entry
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            {
                o.hosts.push(entry.to_ascii_lowercase());
            } else {
                return Err(format!(
                    "--outbound-allow / LOBBY_OUTBOUND_ALLOW: {entry:?} is not a host name, address or CIDR"
                ));
            }
        }
        Ok(o)
    }

    fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.contains(&host)
    }

    fn ip_allowed(&self, ip: IpAddr) -> bool {
        !is_internal(ip) || self.nets.iter().any(|n| n.contains(&ip))
    }

    /// A robot's or webhook's address as typed: http(s), a host, and not an
    /// inside address or name (unless allowed). Checked again at send time
    /// against what the name resolves to.
    pub fn check_url(&self, field: &str, url: &str) -> AppResult<Url> {
        let bad = |why: &str| AppError::invalid(field, why.to_string());
        let u = Url::parse(url).map_err(|_| bad("must be an http(s) address"))?;
        if !matches!(u.scheme(), "http" | "https") {
            return Err(bad("must be an http(s) address"));
        }
        let Some(host) = u.host() else {
            return Err(bad("must be an http(s) address with a host"));
        };
        let inside = || {
            bad("points inside the server's network (loopback, private, link-local or metadata address); ask the operator to allow it (--outbound-allow) for an in-house relay")
        };
        match host {
            url::Host::Ipv4(ip) if !self.ip_allowed(IpAddr::V4(ip)) => Err(inside()),
            url::Host::Ipv6(ip) if !self.ip_allowed(IpAddr::V6(ip)) => Err(inside()),
            url::Host::Domain(d) if is_internal_name(d) && !self.host_allowed(d) => Err(inside()),
            _ => Ok(u),
        }
    }

    /// Where to connect for `u`: its addresses, each checked (an allowed
    /// host name is taken as it resolves). An error says why not, without
    /// anything a receiver sent.
    pub async fn resolve(&self, u: &Url) -> Result<Vec<SocketAddr>, String> {
        let port = u
            .port_or_known_default()
            .ok_or_else(|| "the address has no port".to_string())?;
        let refused = || "refused: the address points inside the server's network".to_string();
        match u.host() {
            Some(url::Host::Ipv4(ip)) => {
                let ip = IpAddr::V4(ip);
                self.ip_allowed(ip)
                    .then(|| vec![SocketAddr::new(ip, port)])
                    .ok_or_else(refused)
            }
            Some(url::Host::Ipv6(ip)) => {
                let ip = IpAddr::V6(ip);
                self.ip_allowed(ip)
                    .then(|| vec![SocketAddr::new(ip, port)])
                    .ok_or_else(refused)
            }
            Some(url::Host::Domain(d)) => {
                let trusted = self.host_allowed(d);
                if is_internal_name(d) && !trusted {
                    return Err(refused());
                }
                let addrs: Vec<SocketAddr> = tokio::net::lookup_host((d, port))
                    .await
                    .map_err(|_| format!("cannot resolve {d}"))?
                    .collect();
                if addrs.is_empty() {
                    return Err(format!("cannot resolve {d}"));
                }
                if !trusted && addrs.iter().any(|a| !self.ip_allowed(a.ip())) {
                    return Err(refused());
                }
                Ok(addrs)
            }
            None => Err("the address has no host".into()),
        }
    }
}

/// Names of the machine itself or of a cloud's metadata service.
fn is_internal_name(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h.ends_with(".internal")
        || h.ends_with(".local")
        || h == "metadata"
        || h == "instance-data"
        || !h.contains('.')
}

/// Loopback, private, link-local, unique-local, shared (CGNAT),
/// unspecified, broadcast or multicast: nothing a robot or webhook lives at.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_internal_v4(v4),
            None => is_internal_v6(v6),
        },
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        || a >= 240
}

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        // IPv4-compatible (::a.b.c.d) and NAT64 of an inside address.
        || (ip.segments()[..6] == [0, 0, 0, 0, 0, 0])
        || (first == 0x64 && ip.segments()[1] == 0xff9b && {
            let s = ip.segments();
            let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
            is_internal_v4(v4)
        })
}

/// A stored URL as it may be shown back: no `user:password@`.
pub fn shown(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_addresses_are_refused_as_typed() {
        let o = Outbound::default();
        for bad in [
            "http://169.254.169.254/latest/meta-data/",
            "http://127.0.0.1:5432/",
            "http://10.0.0.1/",
            "http://[::1]/",
            "http://0x7f000001/",
            "http://2130706433/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://localhost:8080/",
            "http://[::ffff:127.0.0.1]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://0.0.0.0/",
            "http://100.64.0.1/",
            "http://192.168.1.1/",
            "http://172.16.0.1/",
            "ftp://example.com/",
            "not a url",
        ] {
            assert_eq!(
                o.check_url("url", bad).unwrap_err().field(),
                Some("url"),
                "{bad}"
            );
        }
        assert!(o
            .check_url(
                "url",
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"
            )
            .is_ok());
        assert!(o.check_url("url", "https://8.8.8.8/hook").is_ok());
        let allowed = Outbound::parse("127.0.0.1, relay.internal, 10.0.0.0/8").unwrap();
        assert!(allowed.check_url("url", "http://127.0.0.1:9/").is_ok());
        assert!(allowed.check_url("url", "http://10.1.2.3/").is_ok());
        assert!(allowed.check_url("url", "http://relay.internal/").is_ok());
        assert!(allowed.check_url("url", "http://[::1]/").is_err());
        assert!(Outbound::parse("a b").is_err());
    }

    #[test]
    fn credentials_are_not_shown_back() {
        assert_eq!(
            shown("https://user:pw@hook.example/x?y=1"),
            "https://hook.example/x?y=1"
        );
        assert_eq!(shown("https://hook.example/x"), "https://hook.example/x");
    }
}
