//! A small HTTP server the browser script calls to act as the outside world
//! (a caller, time passing), on its own loopback port beside lotse's.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::calls;
use crate::world::World;

async fn ring(State(w): State<Arc<World>>, Path(sid): Path<String>) -> Json<Value> {
    Json(json!({ "ringing": calls::incoming_call_pressing_1(&w, &sid).await }))
}

async fn answer(State(w): State<Arc<World>>, Path(sid): Path<String>) -> Json<Value> {
    calls::counsellor_presses_1(&w, &sid).await;
    Json(json!({}))
}

async fn hang_up(State(w): State<Arc<World>>, Path(sid): Path<String>) -> Json<Value> {
    calls::caller_hangs_up(&w, &sid).await;
    Json(json!({}))
}

async fn ringing(State(w): State<Arc<World>>) -> Json<Value> {
    Json(json!({ "ringing": calls::ringing(&w).await }))
}

/// Stops lotse and starts a new one on the same address and Redis.
async fn restart(State(w): State<Arc<World>>) -> Json<Value> {
    w.restart().await;
    Json(json!({}))
}

/// Moves lotse's clock forward, as if that many seconds passed.
async fn advance(State(w): State<Arc<World>>, Path(seconds): Path<i64>) -> Json<Value> {
    w.clock.advance(seconds);
    Json(json!({}))
}

pub async fn serve(world: Arc<World>) -> SocketAddr {
    let router = Router::new()
        .route("/ring/{sid}", post(ring))
        .route("/answer/{sid}", post(answer))
        .route("/hangup/{sid}", post(hang_up))
        .route("/ringing", get(ringing))
        .route("/advance/{seconds}", post(advance))
        .route("/restart", post(restart))
        .with_state(world);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind control");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}
