//! `lotse serve`: runs the webhook service until SIGTERM.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::{error, info, warn};

use super::ConfigArg;
use crate::clock::SystemClock;
use crate::http::{shutdown_signal, App, Server};

/// Often enough that a Redis restarted empty knows the team again within
/// half a minute; cheap, since registering keeps everyone's state.
const ROSTER_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// How often a running instance looks for store writes another one saved
/// when it stopped.
const TAKEOVER_EVERY: Duration = Duration::from_secs(5);

/// How long a stopping `lotse serve` still replays kept store writes, at
/// most: the replayer already ran while requests drained, and the whole
/// stop must fit in [`STOP_WITHIN`].
const SHUTDOWN_DRAIN: Duration = Duration::from_secs(5);

/// From SIGTERM to exit, whatever clients and the store do: systemd's
/// default stop timeout is 90 s, but a deploy should not wait, and the
/// README promises 10 s. The runtime's own last 300 ms come after it.
const STOP_WITHIN: Duration = Duration::from_secs(9);

pub fn run(arg: &ConfigArg) -> ExitCode {
    let settings = match super::load(arg) {
        Ok(s) => s,
        Err(code) => return code,
    };
    crate::telemetry::init(settings.log_format);
    // Before any socket: connections need more than systemd's soft 1,024.
    match crate::http::serve::fd_limit::raise() {
        Ok(files) => info!(open_files_max = files, "file limit"),
        Err(e) => warn!(error = %e, "cannot raise the file limit; fewer connections are allowed"),
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            error!(error = %e, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(async move {
        let twilio = &settings.twilio;
        if !twilio.verify_signatures {
            warn!("twilio.verify_signatures = false: anyone can drive calls; only for local demos");
        } else if twilio.tokens.is_empty() {
            warn!("no Twilio auth token (LOTSE_TWILIO__AUTH_TOKEN): every webhook is refused with 403");
        }
        match settings.abuse.enabled() {
            true => info!("{}", settings.abuse.describe()),
            false => warn!("{}", settings.abuse.describe()),
        }
        if settings.sipgate.enabled && settings.sipgate.token.is_none() {
            warn!("[sipgate] enabled without LOTSE_SIPGATE__TOKEN: calls are not ended after a final message, and callback links hold for this process only");
        }
        let source = settings.source.name();
        let listen = settings.listen;
        let app = match App::new(settings, Arc::new(SystemClock)) {
            Ok(app) => app,
            Err(e) => {
                error!(error = %e, "cannot set up the store");
                return ExitCode::FAILURE;
            }
        };
        tokio::spawn(crate::routing::keep_registered(
            app.store.clone(),
            app.team(),
            ROSTER_EVERY,
            app.clock.clone(),
        ));
        if app.sipgate.is_some() {
            tokio::spawn(crate::http::warm_sipgate_audio(app.clone()));
        }
        let saved_writes = app.settings.email.spool_dir.join("journal");
        let clock = app.clock.clone();
        let replayer = crate::connect::journal::spawn(app.journal.clone());
        let journal = app.journal.clone();
        let sender = crate::outbox::sender::spawn(app.outbox.clone(), Arc::new(SystemClock));
        let stop = stop_on_signal();
        let metrics = match crate::metrics::endpoint::bind_separately(&app).await {
            Ok(bound) => bound.map(|b| crate::metrics::endpoint::spawn_separately(b, stopped(stop.clone()))),
            Err(e) => {
                error!(error = %e, "cannot listen for /metrics ([metrics] listen)");
                return ExitCode::FAILURE;
            }
        };
        if let Some((addr, _)) = &metrics {
            info!(listen = %addr, "metrics on their own listener");
        }
        let server = match Server::bind(app, listen).await {
            Ok(s) => s,
            Err(e) => {
                error!(listen = %listen, error = %e, "cannot listen");
                return ExitCode::FAILURE;
            }
        };
        // Store writes an instance could not deliver before it stopped (a
        // deploy during an outage): this one replays them, also those saved
        // after it started. Only once it serves: an instance that cannot
        // even listen must not take them and exit with them.
        let takeover = crate::connect::journal::spawn_takeover(
            journal.clone(),
            saved_writes.clone(),
            clock,
            TAKEOVER_EVERY,
        );
        let addr = server.local_addr().map_or_else(|_| listen.to_string(), |a| a.to_string());
        info!(listen = %addr, config = %source, "lotse is answering");
        let served = server.run(stopped(stop.clone())).await;
        // Everything after the listener drained shares what is left of
        // the stop budget, counted from the signal.
        let deadline = stop.borrow().unwrap_or_else(Instant::now) + STOP_WITHIN;
        let left = || deadline.saturating_duration_since(Instant::now());
        // A delivery cut short stays claimed and is taken over later.
        sender.abort();
        replayer.abort();
        // A file it claimed is finished first, so nothing stays stranded.
        takeover.stop(Duration::from_secs(1).min(left())).await;
        // Kept store writes get a last chance; the store's deadlines end
        // whatever is still lost after it.
        if journal.drain(SHUTDOWN_DRAIN.min(left())).await > 0 {
            match journal.save(&saved_writes).await {
                Ok(n) => info!(writes = n, "store writes saved for the next instance to replay"),
                Err(e) => error!(error = %e, "cannot save the kept store writes; they are lost (the store's deadlines end what they held)"),
            }
        }
        if let Some((_, task)) = metrics {
            // It drains alongside the main listener, with the same deadline.
            let _ = tokio::time::timeout(Duration::from_secs(1).min(left()), task).await;
        }
        match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                error!(error = %e, "server failed");
                ExitCode::FAILURE
            }
        }
    });
    // Whatever still runs (a store call, a blocking file write) may not
    // hold the exit: SIGTERM ends the process within 10 s.
    runtime.shutdown_timeout(Duration::from_millis(300));
    code
}

/// When SIGTERM or Ctrl-C arrived, once it did; every listener watches it.
fn stop_on_signal() -> tokio::sync::watch::Receiver<Option<Instant>> {
    let (tx, rx) = tokio::sync::watch::channel(None);
    tokio::spawn(async move {
        shutdown_signal().await;
        tx.send_replace(Some(Instant::now()));
        // Keep the sender: a dropped one would look like a signal too.
        std::future::pending::<()>().await;
    });
    rx
}

async fn stopped(mut stop: tokio::sync::watch::Receiver<Option<Instant>>) {
    let _ = stop.wait_for(Option::is_some).await;
}
