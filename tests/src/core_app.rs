//! The handler of the core end-to-end tests' app (`src/bin/oxygram-e2e-app.rs`, and the
//! in-process lifecycle tests).
//!
//! It answers every incoming text message with `echo: <text>`; a message `slow <millis>`
//! first prints `handling slow` on stdout, sleeps that long, then answers `done: slow
//! <millis>`, so tests can stop the app while a handler runs.
//!
//! The handler is written out as a `HandlerSpec` rather than with `#[handler]` so these tests
//! exercise the core (config, session, login, lifecycle) independently of the macro.

use std::io::Write;
use std::time::Duration;

use oxygram::dispatch::UpdateContext;
use oxygram::handler::{BoxFuture, HandlerSpec, Kind, Outcome};

fn echo(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let Some(message) = cx.message() else {
            return Outcome::Handled;
        };
        let text = message.text().to_owned();
        let answer = match text.strip_prefix("slow ") {
            Some(millis) => {
                let millis: u64 = millis.trim().parse().unwrap_or(1000);
                println!("handling slow");
                let _ = std::io::stdout().flush();
                tokio::time::sleep(Duration::from_millis(millis)).await;
                format!("done: {text}")
            }
            None => format!("echo: {text}"),
        };
        match message.reply(answer).await {
            Ok(_) => Outcome::Handled,
            Err(e) => Outcome::failed(e),
        }
    })
}

/// The echo handler, for `App::handlers([ECHO])`.
pub const ECHO: HandlerSpec = HandlerSpec::builder("echo", Kind::NewMessage, echo)
    .module_path(module_path!())
    .location(file!(), line!())
    .build();
