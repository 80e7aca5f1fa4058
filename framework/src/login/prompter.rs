//! Where the login gets what the configuration does not give: the phone number, the code
//! Telegram sends, and the two-step verification password.
//!
//! The login asks a [`Prompter`] only for what `[telegram]` lacks. [`TerminalPrompter`] is
//! Pyrogram's interactive transcript; [`NoPrompter`] is what runs when stdin is not a terminal
//! (it never blocks: every question fails with an error naming what to set). Servers and
//! containers can implement [`Prompter`] to fetch these from anywhere, e.g. a secrets
//! manager or an admin chat.

use std::fmt;
use std::io;

use secrecy::SecretString;

/// How Telegram delivered the login code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CodeDelivery {
    /// A message in the Telegram app on another device.
    App,
    /// A text message.
    Sms,
    /// A phone call that reads the code.
    Call,
    /// A flash call: the code is the end of the calling number.
    FlashCall,
    /// A missed call: the code is the end of the calling number.
    MissedCall,
    /// An SMS through Fragment (anonymous numbers).
    FragmentSms,
    /// An email to the given (masked) address.
    Email(String),
}

impl fmt::Display for CodeDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::App => f.write_str("Telegram app"),
            Self::Sms => f.write_str("SMS"),
            Self::Call => f.write_str("phone call"),
            Self::FlashCall => f.write_str("phone flash call"),
            Self::MissedCall => f.write_str("missed call"),
            Self::FragmentSms => f.write_str("Fragment SMS"),
            Self::Email(pattern) => write!(f, "email to {pattern}"),
        }
    }
}

/// Supplies what the login needs and the configuration lacks.
///
/// Methods run on a blocking thread, so reading a terminal or a file is fine; an async source
/// can use `tokio::runtime::Handle::current().block_on(..)` inside. Return `Ok(None)` when this
/// prompter cannot supply the value: the login then fails with an error naming the
/// configuration key and environment variable to set.
///
/// ```
/// use oxygram::login::{CodeDelivery, Prompter, SecretString};
///
/// /// Reads the code from a file an operator writes (e.g. a mounted secret).
/// struct CodeFromFile(std::path::PathBuf);
///
/// impl Prompter for CodeFromFile {
///     fn phone(&mut self) -> std::io::Result<Option<String>> {
///         Ok(None) // set OXYGRAM_TELEGRAM__PHONE instead
///     }
///     fn confirm_phone(&mut self, _phone: &str) -> std::io::Result<bool> {
///         Ok(true)
///     }
///     fn code(&mut self, _sent_via: &CodeDelivery) -> std::io::Result<Option<SecretString>> {
///         std::thread::sleep(std::time::Duration::from_secs(30));
///         Ok(Some(std::fs::read_to_string(&self.0)?.trim().into()))
///     }
///     fn password(&mut self, _hint: Option<&str>) -> std::io::Result<Option<SecretString>> {
///         Ok(None)
///     }
/// }
/// ```
pub trait Prompter: Send + 'static {
    /// The phone number, in international format.
    fn phone(&mut self) -> io::Result<Option<String>>;

    /// Whether `phone` is right; `false` asks for the number again.
    fn confirm_phone(&mut self, phone: &str) -> io::Result<bool>;

    /// The code Telegram just sent via `sent_via`.
    fn code(&mut self, sent_via: &CodeDelivery) -> io::Result<Option<SecretString>>;

    /// The two-step verification password (`hint` is the account's password hint).
    fn password(&mut self, hint: Option<&str>) -> io::Result<Option<SecretString>>;

    /// Tells the user how the login goes ("The confirmation code has been sent via SMS",
    /// "Logged in successfully as Dan"). Printed to stdout unless overridden.
    fn show(&mut self, message: &str) {
        println!("{message}");
    }
}

/// A prompter that cannot ask anything: used when stdin is not a terminal.
///
/// Every question returns `Ok(None)`, so a login that needs more than the configuration gives
/// fails at once with an error naming what to set, instead of waiting on input that never
/// comes.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoPrompter;

impl Prompter for NoPrompter {
    fn phone(&mut self) -> io::Result<Option<String>> {
        Ok(None)
    }

    fn confirm_phone(&mut self, _phone: &str) -> io::Result<bool> {
        Ok(true)
    }

    fn code(&mut self, _sent_via: &CodeDelivery) -> io::Result<Option<SecretString>> {
        Ok(None)
    }

    fn password(&mut self, _hint: Option<&str>) -> io::Result<Option<SecretString>> {
        Ok(None)
    }
}
