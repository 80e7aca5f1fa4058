//! Logging in: an authorized session starts silently, a bot logs in with its token, a user
//! with Pyrogram's interactive transcript or with credentials from the configuration or a
//! [`Prompter`].
//!
//! The user flow talks to Telegram with raw requests rather than grammers' `sign_in`: that
//! one folds `PHONE_CODE_EXPIRED` into "invalid code" and drops where the code was sent, and
//! both are things the user must be told.

mod error;
mod prompter;
mod terminal;
mod user;

use std::time::Duration;

use grammers_client::Client;
use grammers_client::peer::User;
use grammers_mtsender::{InvocationError, SenderPoolHandle};
use secrecy::ExposeSecret;

pub use error::LoginError;

/// What the login steps return.
type Result<T, E = LoginError> = std::result::Result<T, E>;
pub use prompter::{CodeDelivery, NoPrompter, Prompter};
/// The secret type [`Prompter`] answers with (re-exported so implementors need no
/// `secrecy` dependency of their own).
pub use secrecy::SecretString;
pub use terminal::TerminalPrompter;

use crate::config::{Config, var_name};
use crate::session::SessionFile;

/// Wrong phone numbers, codes or passwords accepted before giving up.
pub const MAX_ATTEMPTS: u32 = 3;

/// What the login needs from the app.
pub(crate) struct LoginContext<'a> {
    pub client: &'a Client,
    pub handle: &'a SenderPoolHandle,
    pub session: &'a SessionFile,
    pub config: &'a Config,
}

/// How the login ended.
pub(crate) struct LoggedIn {
    /// The logged-in account.
    pub user: User,
}

/// Logs in unless the session already is; asks `prompter` for what the configuration lacks.
///
/// `interactive` is false when `prompter` is the built-in [`NoPrompter`]: a session with no
/// account and nothing to log in with then fails before any connection is made.
pub(crate) async fn log_in(
    ctx: &LoginContext<'_>,
    prompter: &mut Option<Box<dyn Prompter>>,
    interactive: bool,
) -> Result<LoggedIn> {
    let telegram = &ctx.config.telegram;
    let has_account = ctx.session.has_account().await;
    if !has_account && !interactive && telegram.bot_token.is_none() && telegram.phone.is_none() {
        return Err(missing(
            ctx,
            "the phone number (or a bot token)",
            "telegram.phone",
        ));
    }

    let authorized = is_authorized(ctx).await?;
    if authorized {
        let user = ctx
            .client
            .get_me()
            .await
            .map_err(LoginError::telegram("read the logged-in account"))?;
        tracing::info!(
            account = %display_name(&user),
            bot = user.is_bot(),
            "session is logged in"
        );
        return Ok(LoggedIn { user });
    }
    if has_account {
        tracing::warn!("the session's authorization is no longer valid; logging in again");
    }

    let mut asker = Asker { slot: prompter };
    let user = match &telegram.bot_token {
        Some(token) => log_in_bot(ctx, token).await?,
        None => user::log_in_user(ctx, &mut asker).await?,
    };
    asker
        .show(format!("Logged in successfully as {}", display_name(&user)))
        .await;
    tracing::info!(account = %display_name(&user), bot = user.is_bot(), "logged in");
    Ok(LoggedIn { user })
}

/// Asks Telegram whether the session is logged in, waiting out network trouble: a service
/// started before the network is up keeps trying (with a growing pause, logged) instead of
/// exiting. Ctrl+C still ends it, as no stop handler is installed yet.
async fn is_authorized(ctx: &LoginContext<'_>) -> Result<bool> {
    let mut pause = Duration::from_secs(1);
    loop {
        match ctx.client.is_authorized().await {
            Ok(authorized) => return Ok(authorized),
            Err(e @ (InvocationError::Io(_) | InvocationError::Transport(_))) => {
                tracing::warn!("cannot reach Telegram ({e}); retrying in {pause:?}");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(30));
            }
            Err(e) => {
                return Err(LoginError::telegram("reach Telegram to check the session")(
                    e,
                ));
            }
        }
    }
}

/// The name Pyrogram greets with: the first name, else the username, else the id.
pub(crate) fn display_name(user: &User) -> String {
    user.first_name()
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .or_else(|| user.username().map(|u| format!("@{u}")))
        .unwrap_or_else(|| format!("user {}", user.id().bare_id_unchecked()))
}

async fn log_in_bot(ctx: &LoginContext<'_>, token: &SecretString) -> Result<User> {
    let api_hash = require_api_hash(ctx)?;
    match ctx
        .client
        .bot_sign_in(token.expose_secret(), api_hash.expose_secret())
        .await
    {
        Ok(user) => Ok(user),
        Err(e)
            if is_any(
                &e,
                &["ACCESS_TOKEN_INVALID", "ACCESS_TOKEN_EXPIRED", "BOT_*"],
            ) =>
        {
            Err(LoginError::InvalidBotToken {
                rpc: rpc_name(&e),
                source_name: ctx.config.source_of("telegram.bot_token").to_string(),
            })
        }
        Err(e) => Err(common_rpc_error(ctx, e, "log in with the bot token")),
    }
}

fn require_api_hash<'c>(ctx: &LoginContext<'c>) -> Result<&'c SecretString> {
    ctx.config.telegram.api_hash.as_ref().ok_or_else(|| {
        missing(
            ctx,
            "api_hash (from https://my.telegram.org)",
            "telegram.api_hash",
        )
    })
}

/// "Cannot log in: X is needed; set key in file or VAR."
fn missing(ctx: &LoginContext<'_>, what: &'static str, key: &'static str) -> LoginError {
    LoginError::MissingCredential {
        what,
        key,
        env_var: var_name(key),
        file: ctx.config.source_of(key).to_string(),
    }
}

/// Errors any login request can meet, turned into sentences.
fn common_rpc_error(
    ctx: &LoginContext<'_>,
    error: InvocationError,
    doing: &'static str,
) -> LoginError {
    if let InvocationError::Rpc(rpc) = &error {
        if rpc.is("FLOOD_WAIT") || rpc.is("FLOOD_PREMIUM_WAIT") || rpc.is("*_FLOOD_WAIT") {
            return LoginError::FloodWait {
                seconds: rpc.value.unwrap_or(0),
            };
        }
        if rpc.is("API_ID_INVALID") || rpc.is("API_ID_PUBLISHED_FLOOD") {
            return LoginError::ApiKeyRejected {
                rpc: rpc.name.clone(),
                source_name: ctx.config.source_of("telegram.api_id").to_string(),
            };
        }
    }
    LoginError::Telegram {
        doing,
        source: error,
    }
}

fn is_any(error: &InvocationError, names: &[&str]) -> bool {
    names.iter().any(|n| error.is(n))
}

fn rpc_name(error: &InvocationError) -> String {
    match error {
        InvocationError::Rpc(rpc) => rpc.name.clone(),
        other => other.to_string(),
    }
}

/// Runs the (blocking) prompter off the async threads, one question at a time, and puts it
/// back in its slot after each, so the app keeps it for a later login.
pub(crate) struct Asker<'a> {
    slot: &'a mut Option<Box<dyn Prompter>>,
}

impl Asker<'_> {
    async fn ask<T: Send + 'static>(
        &mut self,
        question: impl FnOnce(&mut dyn Prompter) -> T + Send + 'static,
    ) -> T {
        let mut prompter = self
            .slot
            .take()
            .expect("the prompter is put back after every question");
        let (prompter, answer) = match tokio::task::spawn_blocking(move || {
            let answer = question(prompter.as_mut());
            (prompter, answer)
        })
        .await
        {
            Ok(done) => done,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        *self.slot = Some(prompter);
        answer
    }

    async fn show(&mut self, message: String) {
        self.ask(move |p| p.show(&message)).await;
    }
}
