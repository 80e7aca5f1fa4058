//! The offline sandbox: `cargo run -- --sandbox` chats with your app in the terminal, with no
//! Telegram account, no credentials and no network.
//!
//! # Why it is built this way
//! A sandbox that fakes the client API would prove nothing about the app. This one starts an
//! in-process [`oxygram_testkit`] (a real MTProto server on loopback), writes a session file
//! that already holds an auth key the testkit accepts (the key exchange needs Telegram's
//! private keys, so no fake Telegram can run it), points the app's configuration at that
//! session and the testkit's own credentials, and then starts the app exactly as `run()`
//! would: same config loading, same login RPCs (`auth.importBotAuthorization`, or
//! `auth.sendCode` + `auth.signIn` for a user account), same update loop and dispatcher. The
//! terminal side is a thin layer over the testkit's [`ScriptedUser`](oxygram_testkit::ScriptedUser):
//! each line you type is a message that user sends, and what the app sends back is printed.
//!
//! # Which account the app gets
//! - `--sandbox=bot`: the app logs in as the bot `@<session name>_bot`, and you are `@you`.
//! - `--sandbox=user`: the app logs in as the user `@me` (a userbot). Lines you type are sent
//!   *as that account* (as if typed on your phone) to `@friend`, so handlers of outgoing
//!   messages (`.ping`) see them; `:in TEXT` makes `@friend` write to you instead.
//! - `--sandbox` picks like the real login would: a bot when `Bot.toml` sets `bot_token` or
//!   there is no `Bot.toml` at all, a user otherwise.
//!
//! The rest of `Bot.toml` (plugins and their sections, dispatch settings, your own sections)
//! is used as written; the `[telegram]` credentials and the session location are replaced,
//! so real sessions and secrets are never touched. Logs are quieted to `warn` (set
//! `RUST_LOG` to see more; the testkit's own lines stay at `warn` unless `RUST_LOG` names
//! `oxygram_testkit`, so `RUST_LOG=warn,my_bot=debug` shows just the app's).
//!
//! # The chat
//! Type a line and press Enter to send it. Commands start with `:` (`:help` lists them):
//! `:press N` presses button `N` of the latest keyboard, `:inline QUERY` asks the bot for
//! inline results and `:pick N` sends one, `:in TEXT` (user accounts) receives a message,
//! `:quit` (or Ctrl+D) ends. `:press LABEL` wins over `:press N` when a button is labelled
//! like a number (`+1`). An unknown `:word` is refused with the closest command, never sent;
//! `::TEXT` sends `:TEXT`. A reply is printed with a `↳ reply to @who: "…"` line under it.
//! With stdin not a terminal, each line is sent once the replies to
//! the previous one have settled, and the sandbox exits after the last one, so
//! `printf '/start\nhello\n' | cargo run --example echo -- --sandbox` works in scripts.
//!
//! # The group (bot mode)
//! The world also has `@bob` and a basic group, "Sandbox group", that you created with bob
//! and the bot as a plain member, so the bot has privacy mode on, as Telegram's default
//! (core.telegram.org/bots/features#privacy-mode): it receives there only commands meant for
//! it, replies to it, mentions of it and messages via it. `:group` sends your lines there,
//! `:private` back to the private chat; `:as bob TEXT` makes bob say TEXT in the current
//! chat (in private: in bob's own chat with the bot, shown as `[@bob's chat]`); `:join NAME`
//! and `:leave NAME` change who is in the group (a member adds: you, or bob while you are
//! out; the testkit has no service messages yet, so only the sandbox prints the change).
//! Group lines start with `[group]`. After each group message the sandbox asks the testkit
//! whether the bot received it
//! ([`ScriptedUser::delivered_to`](oxygram_testkit::ScriptedUser::delivered_to), which reads
//! what delivery did rather than re-running the rule) and prints
//! `(not delivered to the bot: privacy mode; …)` when it did not. The group is shown as
//! `@you` see it: while you are out of it, nothing of it is printed but your own commands.
//! `:privacy off` (and `:privacy on`) flips the bot's privacy mode, as BotFather's
//! `/setprivacy` does, for messages sent from then on.

#[cfg(feature = "sandbox")]
mod chat;
#[cfg(feature = "sandbox")]
mod input;
#[cfg(feature = "sandbox")]
mod render;
#[cfg(feature = "sandbox")]
pub(crate) mod world;

use std::ffi::OsString;

use crate::App;
use crate::error::Result;

/// The command-line switch that starts the sandbox.
pub const FLAG: &str = "--sandbox";

/// Which account the sandboxed app logs in as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxMode {
    /// Like the real login: a bot if `Bot.toml` sets `bot_token` or does not exist.
    Auto,
    /// A bot account (`--sandbox=bot`).
    Bot,
    /// A user account, i.e. a userbot (`--sandbox=user`).
    User,
}

/// Why the sandbox could not start or run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// `--sandbox=<value>` with an unknown value.
    #[error(
        "--sandbox={0:?} is not a sandbox mode: use --sandbox, --sandbox=bot or --sandbox=user"
    )]
    UnknownMode(String),
    /// The app was built without oxygram's `sandbox` feature.
    #[error(
        "--sandbox needs oxygram's `sandbox` feature, which this app was built without: \
         enable it in Cargo.toml (oxygram = {{ .., features = [\"sandbox\"] }})"
    )]
    NotBuilt,
    /// The local Telegram could not start or refused a request.
    #[cfg(feature = "sandbox")]
    #[error("the sandbox's local Telegram failed to {doing}: {source}")]
    Testkit {
        /// What the sandbox was doing, e.g. "start".
        doing: &'static str,
        /// The testkit's error.
        source: oxygram_testkit::Error,
    },
    /// Reading the terminal or preparing the session folder failed.
    #[error("the sandbox could not {doing}: {source}")]
    Io {
        /// What the sandbox was doing.
        doing: &'static str,
        /// The operating system's error.
        source: std::io::Error,
    },
}

/// The crate error holds a sandbox error boxed (`Error::Sandbox`), which keeps `error` from
/// depending on the sandbox (that runs apps, and so sits above everything the crate error
/// names); match it with `downcast_ref::<SandboxError>()`.
impl From<SandboxError> for crate::Error {
    fn from(error: SandboxError) -> Self {
        crate::Error::Sandbox(Box::new(error))
    }
}

/// Whether the command line asks for the sandbox, and in which mode.
///
/// Looks at the process arguments up to a `--`.
pub fn requested() -> Result<Option<SandboxMode>, SandboxError> {
    mode_from_args(std::env::args_os().skip(1))
}

/// [`requested`] for a given argument list (program name excluded).
pub fn mode_from_args(
    args: impl IntoIterator<Item = OsString>,
) -> Result<Option<SandboxMode>, SandboxError> {
    let mut mode = None;
    for arg in args {
        if arg == "--" {
            break;
        }
        if arg == FLAG {
            mode = Some(SandboxMode::Auto);
        } else if let Some(value) = arg.to_str().and_then(|a| a.strip_prefix("--sandbox=")) {
            mode = Some(match value {
                "bot" => SandboxMode::Bot,
                "user" => SandboxMode::User,
                "" | "auto" => SandboxMode::Auto,
                other => return Err(SandboxError::UnknownMode(other.to_owned())),
            });
        }
    }
    Ok(mode)
}

/// Runs `app` against an in-process local Telegram with the terminal as the other side.
#[cfg(feature = "sandbox")]
pub(crate) fn run(app: App, mode: SandboxMode) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(crate::Error::system("start the tokio runtime"))?;
    runtime.block_on(chat::run(app, mode))
}

/// Without the `sandbox` feature, `--sandbox` is an error that says how to get it.
#[cfg(not(feature = "sandbox"))]
pub(crate) fn run(_app: App, _mode: SandboxMode) -> Result<()> {
    Err(SandboxError::NotBuilt.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn flag_and_modes() {
        assert_eq!(mode_from_args(args(&[])).unwrap(), None);
        assert_eq!(
            mode_from_args(args(&["--config", "x.toml", "--sandbox"])).unwrap(),
            Some(SandboxMode::Auto)
        );
        assert_eq!(
            mode_from_args(args(&["--sandbox=user"])).unwrap(),
            Some(SandboxMode::User)
        );
        assert_eq!(
            mode_from_args(args(&["--sandbox=bot"])).unwrap(),
            Some(SandboxMode::Bot)
        );
        assert_eq!(mode_from_args(args(&["--", "--sandbox"])).unwrap(), None);
        let err = mode_from_args(args(&["--sandbox=robot"])).unwrap_err();
        assert!(err.to_string().contains("\"robot\""), "{err}");
    }
}
