//! Which `Host`s a server answers. A server on loopback that anyone may
//! call (no credentials) is still reachable from every web page the
//! machine's browser opens, through DNS rebinding: a page's own name made
//! to resolve to 127.0.0.1. Such requests name the page's host, not a
//! loopback one, so answering only loopback names shuts them out.

use std::net::IpAddr;
use std::sync::Arc;

/// A request extension that limits the hosts a protocol's `handle`
/// answers: a request whose `Host` (or URI authority) names another is
/// refused with 403 before its body is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedHosts {
    /// Names (lowercase, without a port) allowed besides loopback ones.
    also: Arc<[String]>,
}

impl AllowedHosts {
    /// Loopback hosts only: `localhost` and names under `.localhost`,
    /// 127.0.0.0/8 and `::1`, on any port.
    pub fn loopback() -> Self {
        AllowedHosts { also: Arc::from([]) }
    }

    /// These hosts and `host` (a name or an address, without a port; case
    /// does not matter).
    pub fn and(self, host: &str) -> Self {
        let mut also = self.also.to_vec();
        also.push(host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase());
        AllowedHosts { also: also.into() }
    }

    /// Whether a request for `authority` (a `Host` value: a name or an
    /// address, perhaps with a port) is answered.
    pub fn allows(&self, authority: &str) -> bool {
        let host = host_of(authority).to_ascii_lowercase();
        if host == "localhost" || host.ends_with(".localhost") {
            return true;
        }
        if host.parse::<IpAddr>().is_ok_and(|address| address.is_loopback()) {
            return true;
        }
        self.also.contains(&host)
    }
}

/// The host of an authority: without its port, and an IPv6 address
/// without its brackets.
fn host_of(authority: &str) -> &str {
    if let Some(bracketed) = authority.strip_prefix('[') {
        return bracketed.split_once(']').map_or(bracketed, |(address, _)| address);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// The path of a virtual-hosted-style request (`mybucket.s3.us-west-2.amazonaws.com`,
/// `/key`) in path style (`/mybucket/key`), if its host names a resource
/// before the service's endpoint: the labels before the first `service`
/// label (`s3`, or one that begins `s3-`, as `s3-accelerate` does) or
/// before a final `localhost`. The resource's name must be a DNS name of
/// lowercase letters, digits, dots and hyphens (as S3's buckets' are);
/// `None` for a path-style request.
pub(crate) fn virtual_host_path(parts: &http::request::Parts, service: &str) -> Option<String> {
    let authority = match parts.headers.get(http::header::HOST) {
        Some(host) => host.to_str().ok()?,
        None => parts.uri.authority()?.as_str(),
    };
    let host = host_of(authority).to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let endpoint = labels
        .iter()
        .position(|label| *label == service || label.strip_prefix(service).is_some_and(|rest| rest.starts_with('-')));
    let at = match endpoint {
        Some(at) => at,
        None if labels.last() == Some(&"localhost") => labels.len() - 1,
        None => return None,
    };
    let resource = labels[..at].join(".");
    let valid = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-';
    if resource.is_empty() || !resource.chars().all(valid) {
        return None;
    }
    Some(format!("/{resource}{}", parts.uri.path()))
}

#[cfg(test)]
mod tests {
    use super::AllowedHosts;

    #[test]
    fn virtual_hosted_requests_name_their_resource_first() {
        let path = |host: &str, path: &str| {
            let (parts, ()) = http::Request::builder().uri(path).header("host", host).body(()).unwrap().into_parts();
            super::virtual_host_path(&parts, "s3")
        };
        assert_eq!(path("mybucket.s3.us-west-2.amazonaws.com", "/"), Some("/mybucket/".into()));
        assert_eq!(path("my.bucket.s3-accelerate.dualstack.amazonaws.com", "/k"), Some("/my.bucket/k".into()));
        assert_eq!(path("mybucket.localhost:4566", "/a/b"), Some("/mybucket/a/b".into()));
        assert_eq!(path("s3.us-west-2.amazonaws.com", "/mybucket"), None);
        assert_eq!(path("localhost:4566", "/mybucket"), None);
        assert_eq!(path("127.0.0.1:4566", "/mybucket"), None);
        assert_eq!(path("My_Bucket.s3.amazonaws.com", "/"), None);
    }

    #[test]
    fn loopback_names_and_addresses_on_any_port() {
        let hosts = AllowedHosts::loopback();
        for allowed in
            ["localhost", "LOCALHOST:4566", "ssm.localhost:80", "127.0.0.1:4566", "127.1.2.3", "[::1]:4566", "[::1]"]
        {
            assert!(hosts.allows(allowed), "{allowed}");
        }
        for refused in
            ["evil.example:4566", "localhost.evil.example", "10.0.0.1:4566", "[::2]:1", "", "127.0.0.1.nip.io"]
        {
            assert!(!hosts.allows(refused), "{refused}");
        }
    }

    #[test]
    fn hosts_the_user_allows() {
        let hosts = AllowedHosts::loopback().and("Emulator.Internal").and("[fd00::1]");
        assert!(hosts.allows("emulator.internal:4566"));
        assert!(hosts.allows("[fd00::1]:4566"));
        assert!(!hosts.allows("other.internal"));
    }
}
