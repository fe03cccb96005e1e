//! The signals that stop a server: SIGINT (Ctrl-C) and SIGTERM, which
//! `docker stop`, systemd and Kubernetes send. A process that does not
//! handle SIGTERM dies at once, cutting the requests in flight; as PID 1 in
//! a container it ignores it, and is killed after a wait.

use std::future::Future;
use std::io;

/// A future that completes when the process is asked to stop: on SIGINT
/// or SIGTERM (on Windows, Ctrl-C or Ctrl-Break), for [`super::serve`]'s
/// `shutdown`. The handlers are installed when it is called, not when it is
/// first polled, so a signal that arrives in between is not lost:
///
/// ```no_run
/// # async fn example() -> std::io::Result<()> {
/// let shutdown = awsgen_runtime::server::shutdown_signal()?;
/// // Bind, print the address, then serve until a signal comes:
/// // awsgen_runtime::server::serve(router, listener, ServerConfig::default(), shutdown).await?;
/// # drop(shutdown);
/// # Ok(()) }
/// ```
#[cfg(unix)]
pub fn shutdown_signal() -> io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// See the Unix version.
#[cfg(windows)]
pub fn shutdown_signal() -> io::Result<impl Future<Output = ()> + Send + 'static> {
    let mut ctrl_c = tokio::signal::windows::ctrl_c()?;
    let mut ctrl_break = tokio::signal::windows::ctrl_break()?;
    Ok(async move {
        tokio::select! {
            _ = ctrl_c.recv() => {}
            _ = ctrl_break.recv() => {}
        }
    })
}

/// See the Unix version.
#[cfg(not(any(unix, windows)))]
pub fn shutdown_signal() -> io::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
