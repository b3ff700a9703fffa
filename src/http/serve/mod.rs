//! Connection hygiene: our own accept loop around hyper, so that nothing a
//! client does (or fails to do) can hold the service. Every phase of a
//! connection is bounded:
//!
//! | phase | bound |
//! |---|---|
//! | request head (and a keep-alive connection waiting for its next) | [`Limits::header_timeout`] (hyper's header-read timer) |
//! | request body | [`Limits::body_timeout`] and [`Limits::max_body_bytes`] ([`body`]) |
//! | response, to a peer that stopped reading | [`Limits::send_timeout`] ([`stall`]) |
//! | open connections | [`Limits::max_connections`]; the oldest idle one makes room ([`conns`]) |
//! | shutdown | requests in flight finish; after [`Limits::drain`] everything is closed |
//!
//! HTTP/1.1 only: Twilio, sipgate, browsers and TLS proxies all speak it.

mod body;
mod conns;
pub mod fd_limit;
mod stall;

use std::convert::Infallible;
use std::future::Future;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::Router;
use http_body_util::BodyExt;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;
use tracing::{debug, info, warn};

use conns::{Admitted, Conns};

/// The bounds of one listener. [`Limits::main`] for the service,
/// [`Limits::metrics`] for a separate `/metrics` listener.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Open connections at most (less if the file limit is lower).
    pub max_connections: usize,
    /// From a connection's start, or the end of its last response, until a
    /// request's head has fully arrived. Also the keep-alive idle timeout.
    pub header_timeout: Duration,
    /// From the end of the head until the whole body has arrived.
    pub body_timeout: Duration,
    pub max_body_bytes: usize,
    /// How long a write may wait on a peer that does not read.
    pub send_timeout: Duration,
    /// After shutdown starts: how long requests in flight may take.
    pub drain: Duration,
}

/// Requests and the headers of one are small; hyper's default buffer
/// (400 KiB) times thousands of sockets would be a memory attack.
const MAX_HEAD_BYTES: usize = 16 * 1024;

impl Limits {
    /// A Twilio webhook sends its head and body in one go, in milliseconds;
    /// 5 s each covers TCP retransmissions on a bad mobile link and cuts
    /// any stalled or trickling socket within 10 s. In-flight webhooks get
    /// their whole budget (8 s) at shutdown, and the process still exits
    /// within 10 s of SIGTERM.
    pub fn main() -> Limits {
        Limits {
            max_connections: fd_limit::connections_within(fd_limit::current(), 4096),
            header_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(5),
            max_body_bytes: 256 * 1024,
            send_timeout: Duration::from_secs(10),
            drain: super::WEBHOOK_BUDGET + Duration::from_millis(500),
        }
    }

    /// The same bounds for a listener only Prometheus should reach.
    pub fn metrics() -> Limits {
        Limits {
            max_connections: 32,
            ..Limits::main()
        }
    }
}

/// Connections the kernel may hold for us before we accept them. Tokio's
/// default (1,024) overflows when a thousand idle sockets reconnect at
/// once, and a dropped SYN costs a genuine caller a 1 s retransmission.
/// The kernel caps it at `net.core.somaxconn` (4,096 on current Linux).
const BACKLOG: u32 = 4096;

/// Binds `addr` with a backlog for bursts (see [`BACKLOG`]).
pub fn listen(addr: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match addr {
        std::net::SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        std::net::SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    // As `TcpListener::bind` does: a restart need not wait out TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    Serving,
    /// No new connections; each open one ends after its request in flight.
    Draining,
    /// Every connection closes now.
    Stop,
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets the
/// requests in flight finish for at most [`Limits::drain`].
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let conns = Conns::new(limits.max_connections);
    let (phase, _) = watch::channel(Phase::Serving);
    let (mut refused, mut failed) = (Throttled::default(), Throttled::default());
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                accept_failed(&e, &conns, &mut failed).await;
                continue;
            }
        };
        match conns.admit() {
            Some(admitted) => {
                let router = router.clone();
                tokio::spawn(connection(
                    stream,
                    router,
                    admitted,
                    phase.subscribe(),
                    limits,
                ));
            }
            None => refused.note(|n| {
                warn!(
                    refused = n,
                    limit = conns.limit(),
                    "every connection busy with a request; new connections closed at once"
                )
            }),
        }
    }
    drop(listener);
    let open = conns.open();
    info!(
        open,
        "no longer accepting; letting requests in flight finish"
    );
    phase.send_replace(Phase::Draining);
    if tokio::time::timeout(limits.drain, conns.all_closed())
        .await
        .is_err()
    {
        warn!(
            open = conns.open(),
            drain_ms = limits.drain.as_millis() as u64,
            "connections still open at the shutdown deadline; closing them"
        );
    }
    phase.send_replace(Phase::Stop);
    Ok(())
}

/// Out of file descriptors: let the oldest idle connection go, and give the
/// kernel a moment (the pending connection stays in the backlog).
async fn accept_failed(e: &std::io::Error, conns: &Conns, log: &mut Throttled) {
    let out_of_files = matches!(e.raw_os_error(), Some(23 | 24)); // ENFILE, EMFILE
    if out_of_files {
        conns.make_room();
    }
    log.note(|n| warn!(error = %e, times = n, open = conns.open(), "accept failed"));
    if out_of_files {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// One connection, until it ends, is let go to make room, or shutdown.
async fn connection(
    stream: TcpStream,
    router: Router,
    admitted: Admitted,
    mut phase: watch::Receiver<Phase>,
    limits: Limits,
) {
    let _ = stream.set_nodelay(true);
    let slot = admitted.slot.clone();
    let service = hyper::service::service_fn(move |req| {
        let busy = slot.busy();
        let router = router.clone();
        async move {
            let response = match body::read_whole(req, &limits).await {
                Ok(req) => router.oneshot(req).await.unwrap_or_else(|e| match e {}),
                Err(refused) => refused,
            };
            // Busy until the response body is sent or dropped.
            let response = response.map(|b| {
                Body::new(b.map_frame(move |f| {
                    let _ = &busy;
                    f
                }))
            });
            Ok::<_, Infallible>(response)
        }
    });
    let io = TokioIo::new(stall::StallGuard::new(stream, limits.send_timeout));
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(MAX_HEAD_BYTES)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let mut draining = false;
    loop {
        if !draining && *phase.borrow_and_update() != Phase::Serving {
            conn.as_mut().graceful_shutdown();
            draining = true;
        }
        tokio::select! {
            ended = conn.as_mut() => {
                if let Err(e) = ended {
                    debug!(error = %e, "connection ended");
                }
                break;
            }
            () = admitted.slot.evicted.notified() => break,
            changed = phase.changed() => {
                if changed.is_err() || *phase.borrow() == Phase::Stop {
                    break;
                }
            }
        }
    }
}

/// A warning at most once a second, with how often it happened meanwhile:
/// an attack must not turn into a flood of log lines.
#[derive(Default)]
struct Throttled {
    last: Option<Instant>,
    count: u64,
}

impl Throttled {
    fn note(&mut self, log: impl FnOnce(u64)) {
        self.count += 1;
        if self
            .last
            .is_none_or(|t| t.elapsed() >= Duration::from_secs(1))
        {
            log(self.count);
            self.count = 0;
            self.last = Some(Instant::now());
        }
    }
}

#[cfg(test)]
mod tests;
