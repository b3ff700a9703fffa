//! A local stand-in for sipgate's call-control API (the one part of
//! sipgate that cannot run here): `DELETE /v2/calls/{id}` answers 204 and
//! is remembered with its authorization header.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};

/// Requests the stand-in received: (call id, authorization header).
type Seen = Arc<Mutex<Vec<(String, String)>>>;

#[derive(Clone, Default)]
pub struct CallControl {
    pub deleted: Seen,
    pub addr: Option<SocketAddr>,
}

impl CallControl {
    /// `DELETE /calls/{id}` → 204, remembered.
    pub async fn start() -> CallControl {
        let mut cc = CallControl::default();
        let router = axum::Router::new()
            .route("/v2/calls/{id}", axum::routing::delete(delete))
            .with_state(cc.deleted.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        cc.addr = Some(listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        cc
    }

    pub fn url(&self) -> String {
        format!("http://{}/v2", self.addr.expect("started"))
    }

    pub fn deleted(&self) -> Vec<(String, String)> {
        self.deleted.lock().unwrap().clone()
    }

    /// Waits (up to 10 s) until `call` was ended.
    pub async fn wait_for(&self, call: &str) -> (String, String) {
        for _ in 0..200 {
            if let Some(d) = self.deleted().into_iter().find(|(id, _)| id == call) {
                return d;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no DELETE /calls/{call}; saw {:?}", self.deleted());
    }
}

async fn delete(
    State(seen): State<Seen>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
) -> StatusCode {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    seen.lock().unwrap().push((id, auth));
    StatusCode::NO_CONTENT
}
