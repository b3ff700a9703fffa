//! The accept loop with small bounds and a tiny router, over real sockets.

use std::time::{Duration, Instant};

use axum::routing::{get, post};
use axum::Router;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use super::*;

fn small() -> Limits {
    Limits {
        max_connections: 8,
        header_timeout: Duration::from_millis(500),
        body_timeout: Duration::from_millis(500),
        max_body_bytes: 1024,
        send_timeout: Duration::from_secs(1),
        drain: Duration::from_millis(800),
    }
}

fn app() -> Router {
    Router::new()
        .route("/", get(|| async { "ok" }))
        .route("/echo", post(|body: String| async move { body }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                "slow"
            }),
        )
        .route("/forever", get(std::future::pending::<&'static str>))
}

struct Running {
    addr: std::net::SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<std::io::Result<()>>,
}

fn start(limits: Limits) -> Running {
    let listener = listen("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let done = tokio::spawn(serve(listener, app(), limits, async {
        let _ = stopped.await;
    }));
    Running {
        addr,
        stop: Some(stop),
        done,
    }
}

/// Sends `request` on a new connection; the whole answer until close.
async fn exchange(addr: std::net::SocketAddr, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

#[tokio::test]
async fn idle_sockets_beyond_the_limit_make_room_for_a_real_request() {
    let server = start(small());
    let mut idle = Vec::new();
    for _ in 0..30 {
        idle.push(TcpStream::connect(server.addr).await.unwrap());
    }
    let answer = exchange(server.addr, GET).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("ok"), "{answer}");
}

#[tokio::test]
async fn a_stalled_head_and_a_trickling_body_are_cut() {
    let server = start(small());
    let started = Instant::now();
    let head = exchange(server.addr, b"GET / HTTP/1.1\r\nHost: t\r\n").await;
    assert!(head.is_empty() || head.contains(" 408 "), "{head}");
    assert!(started.elapsed() < Duration::from_secs(3));

    let mut s = TcpStream::connect(server.addr).await.unwrap();
    s.write_all(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nab")
        .await
        .unwrap();
    let mut out = String::new();
    let read = tokio::time::timeout(Duration::from_secs(3), s.read_to_string(&mut out)).await;
    assert!(read.is_ok(), "closed");
    assert!(out.starts_with("HTTP/1.1 408"), "{out}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let server = start(small());
    let body = "x".repeat(2000);
    let request = format!("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n{body}");
    let answer = exchange(server.addr, request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    let fine = exchange(
        server.addr,
        b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    )
    .await;
    assert!(
        fine.starts_with("HTTP/1.1 200") && fine.ends_with("hello"),
        "{fine}"
    );
}

#[tokio::test]
async fn a_head_over_16_kib_is_refused() {
    let server = start(small());
    let request = format!(
        "GET / HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
        "x".repeat(20_000)
    );
    let answer = exchange(server.addr, request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
}

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish_and_is_bounded() {
    let mut server = start(small());
    let slow = tokio::spawn(exchange(
        server.addr,
        b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n",
    ));
    let forever = tokio::spawn(exchange(
        server.addr,
        b"GET /forever HTTP/1.1\r\nHost: t\r\n\r\n",
    ));
    let _idle = TcpStream::connect(server.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    server.stop.take().unwrap().send(()).unwrap();
    let answer = slow.await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("slow"),
        "{answer}"
    );
    server.done.await.unwrap().unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "drain bounded: {took:?}");
    assert!(
        TcpStream::connect(server.addr).await.is_err(),
        "no longer listening"
    );
    let cut = forever.await.unwrap();
    assert!(cut.is_empty(), "a request past the deadline is cut: {cut}");
}
