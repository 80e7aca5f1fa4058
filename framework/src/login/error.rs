//! Why a login failed, as sentences that say what to do next.
//!
//! No variant carries a secret: codes, passwords, tokens and hashes are named by their
//! configuration key, never by value.

/// A login that could not complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoginError {
    /// Something the login needs is neither configured nor obtainable from the prompter
    /// (typically: stdin is not a terminal).
    #[error(
        "cannot log in: {what} is needed and there is no terminal to ask for it; set `{key}` in \
         {file} or the environment variable {env_var} (or give the app a Prompter)"
    )]
    MissingCredential {
        /// What is missing, e.g. "the phone number".
        what: &'static str,
        /// The configuration key that provides it.
        key: &'static str,
        /// The environment variable that provides it.
        env_var: String,
        /// The configuration file.
        file: String,
    },
    /// A value from the configuration was rejected and there is no one to ask for another.
    #[error(
        "Telegram rejected {what} from {source_name} ({rpc}) and there is no terminal to ask \
         for another; correct `{key}`"
    )]
    Rejected {
        /// What was rejected, e.g. "the phone number".
        what: &'static str,
        /// The configuration key it came from.
        key: &'static str,
        /// The file or variable it came from.
        source_name: String,
        /// Telegram's error name.
        rpc: String,
    },
    /// The bot token is not valid.
    #[error(
        "Telegram rejected the bot token ({rpc}): copy it again from @BotFather into \
         `telegram.bot_token` (it was read from {source_name})"
    )]
    InvalidBotToken {
        /// Telegram's error name, e.g. `ACCESS_TOKEN_INVALID`.
        rpc: String,
        /// The file or variable the token was read from.
        source_name: String,
    },
    /// The application's `api_id`/`api_hash` are not valid.
    #[error(
        "Telegram rejected the API key ({rpc}): copy api_id and api_hash again from \
         https://my.telegram.org (api_id was read from {source_name})"
    )]
    ApiKeyRejected {
        /// Telegram's error name, e.g. `API_ID_INVALID`.
        rpc: String,
        /// The file or variable `api_id` was read from.
        source_name: String,
    },
    /// The phone number has no Telegram account.
    #[error(
        "the phone number {phone} has no Telegram account, and Telegram only lets its official \
         apps create accounts: sign up with the Telegram app first, then log in here"
    )]
    SignUpRequired {
        /// The phone number.
        phone: String,
    },
    /// The phone number is banned.
    #[error("Telegram says the phone number {phone} is banned (PHONE_NUMBER_BANNED)")]
    PhoneBanned {
        /// The phone number.
        phone: String,
    },
    /// Telegram wants a step only its official apps can do (email setup, payment).
    #[error(
        "Telegram requires {what} before this account can log in, which only its official apps can do: do it there first"
    )]
    Unsupported {
        /// The step, e.g. "setting up a login email".
        what: &'static str,
    },
    /// Too many wrong answers.
    #[error("gave up after {attempts} attempts with {what}; run the app again to retry")]
    TooManyAttempts {
        /// What was wrong each time, e.g. "a wrong code".
        what: &'static str,
        /// How many attempts were made.
        attempts: u32,
    },
    /// Telegram asks to wait before trying again.
    #[error("Telegram asks to wait {} before trying to log in again (FLOOD_WAIT_{seconds})", crate::util::human_duration(*seconds))]
    FloodWait {
        /// The wait, in seconds.
        seconds: u32,
    },
    /// Telegram answered a login step in a way no official client expects.
    #[error("Telegram gave an unexpected answer to {step}: {detail}")]
    Unexpected {
        /// The step, e.g. "the two-step verification password check".
        step: &'static str,
        /// What was unexpected.
        detail: String,
    },
    /// A request to Telegram failed for a reason no login step expects (the network, or an
    /// RPC error, named, e.g. `AUTH_KEY_UNREGISTERED`).
    #[error("could not {doing}: {source}")]
    Telegram {
        /// What the login was doing, e.g. "check whether the session is logged in".
        doing: &'static str,
        /// The error from Telegram or the network.
        source: grammers_mtsender::InvocationError,
    },
    /// The session file could not record the login.
    #[error(transparent)]
    Session(#[from] crate::session::SessionError),
    /// Reading an answer failed (e.g. stdin was closed).
    #[error("could not read {what}: {source}")]
    Prompt {
        /// What was being asked.
        what: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl LoginError {
    pub(crate) fn telegram(
        doing: &'static str,
    ) -> impl FnOnce(grammers_mtsender::InvocationError) -> Self {
        move |source| Self::Telegram { doing, source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flood_wait_says_how_long() {
        let err = LoginError::FloodWait { seconds: 3725 };
        assert_eq!(
            err.to_string(),
            "Telegram asks to wait 1 hour 2 minutes before trying to log in again (FLOOD_WAIT_3725)"
        );
    }
}
