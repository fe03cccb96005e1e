//! TLS (feature `tls`): the certificate a user provides, and HTTP/2 or
//! HTTP/1.1 chosen by ALPN, as AWS's clients expect of an HTTPS endpoint.

use std::fmt;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// What the server answers TLS with: a certificate chain and its key.
#[derive(Clone)]
pub struct TlsConfig {
    pub(super) acceptor: tokio_rustls::TlsAcceptor,
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key stays out of logs.
        f.debug_struct("TlsConfig").finish_non_exhaustive()
    }
}

/// Why a certificate or key could not be used.
#[derive(Debug)]
pub struct TlsError(String);

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TlsError {}

impl TlsConfig {
    /// The certificate chain in `certificates` (PEM, the server's first)
    /// and its private key in `key` (PEM: PKCS#8, PKCS#1 or SEC1), offering
    /// HTTP/2 and HTTP/1.1 by ALPN, TLS 1.2 and 1.3.
    pub fn from_pem(certificates: &[u8], key: &[u8]) -> Result<TlsConfig, TlsError> {
        let chain = CertificateDer::pem_slice_iter(certificates)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TlsError(format!("the certificates are not PEM: {e}")))?;
        if chain.is_empty() {
            return Err(TlsError("no certificate was found in the PEM given".to_string()));
        }
        let key = PrivateKeyDer::from_pem_slice(key).map_err(|e| TlsError(format!("no private key was read: {e}")))?;
        // ring, which rustls 0.23.48 deprecates for lacking post-quantum
        // key exchange: its default, aws-lc-rs, doubles the runtime's build
        // on two cores. A user who wants it passes `from_rustls` a
        // configuration on it.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| TlsError(format!("the certificate and key cannot be used: {e}")))?;
        Ok(TlsConfig::from_rustls(config))
    }

    /// A rustls configuration of the user's own; ALPN offers HTTP/2 and
    /// HTTP/1.1 unless it names protocols itself.
    pub fn from_rustls(mut config: rustls::ServerConfig) -> TlsConfig {
        if config.alpn_protocols.is_empty() {
            config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        }
        TlsConfig { acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)) }
    }
}
