//! The page's files, embedded at compile time so the binary is the whole
//! deployment. Served `no-cache`: a browser revalidates after an update
//! instead of running an old script against a new API.

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const SVG: &str = "image/svg+xml";

/// (name, content type, bytes) of everything under `/assets/`.
const FILES: &[(&str, &str, &str)] = &[
    ("app.js", JS, include_str!("assets/app.js")),
    ("alarm.js", JS, include_str!("assets/alarm.js")),
    ("i18n.js", JS, include_str!("assets/i18n.js")),
    ("operator.js", JS, include_str!("assets/operator.js")),
    ("api.js", JS, include_str!("assets/api.js")),
    ("block.js", JS, include_str!("assets/block.js")),
    ("block.css", CSS, include_str!("assets/block.css")),
    ("app.css", CSS, include_str!("assets/app.css")),
    ("icon.svg", SVG, include_str!("assets/icon.svg")),
];

fn serve(content_type: &'static str, body: &'static str) -> Response {
    (
        [(CONTENT_TYPE, content_type), (CACHE_CONTROL, "no-cache")],
        body,
    )
        .into_response()
}

pub async fn index() -> Response {
    serve(HTML, include_str!("assets/index.html"))
}

pub async fn file(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, body)) => serve(content_type, body),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
