//! Pyrogram's interactive login transcript, on the terminal:
//!
//! ```text
//! Enter phone number: +39**********
//! Is "+39**********" correct? (y/n): y
//! The confirmation code has been sent via Telegram app
//! Enter phone code: 32768
//! Logged in successfully as Dan
//! ```
//!
//! The password is read without echo (from `/dev/tty` via rpassword), falling back to a plain
//! line when there is no terminal to switch echo off on.

use std::io::{self, BufRead, Write};

use secrecy::SecretString;

use super::prompter::{CodeDelivery, Prompter};

/// Asks on stdin/stdout, the way Pyrogram does.
#[derive(Debug, Default, Clone, Copy)]
pub struct TerminalPrompter;

impl TerminalPrompter {
    /// Prints `prompt` and reads one line without its line ending; re-asks on an empty line.
    fn ask(prompt: &str) -> io::Result<String> {
        loop {
            let line = Self::ask_once(prompt)?;
            if !line.is_empty() {
                return Ok(line);
            }
        }
    }

    fn ask_once(prompt: &str) -> io::Result<String> {
        let mut stdout = io::stdout().lock();
        stdout.write_all(prompt.as_bytes())?;
        stdout.flush()?;
        drop(stdout);
        read_line()
    }
}

fn read_line() -> io::Result<String> {
    let mut line = String::new();
    if io::stdin().lock().read_line(&mut line)? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "stdin was closed before an answer was typed",
        ));
    }
    Ok(line.trim().to_owned())
}

impl Prompter for TerminalPrompter {
    fn phone(&mut self) -> io::Result<Option<String>> {
        Self::ask("Enter phone number: ").map(Some)
    }

    fn confirm_phone(&mut self, phone: &str) -> io::Result<bool> {
        let answer = Self::ask(&format!("Is \"{phone}\" correct? (y/n): "))?;
        Ok(matches!(answer.to_ascii_lowercase().as_str(), "y" | "yes"))
    }

    fn code(&mut self, _sent_via: &CodeDelivery) -> io::Result<Option<SecretString>> {
        Self::ask("Enter phone code: ").map(|code| Some(code.into()))
    }

    fn password(&mut self, _hint: Option<&str>) -> io::Result<Option<SecretString>> {
        const PROMPT: &str = "Enter password: ";
        loop {
            let password = match rpassword::prompt_password(PROMPT) {
                Ok(password) => password,
                // No terminal to hide the input on (e.g. input piped in by a script).
                Err(_) => Self::ask_once(PROMPT)?,
            };
            if !password.is_empty() {
                return Ok(Some(password.into()));
            }
        }
    }

    fn show(&mut self, message: &str) {
        let mut stdout = io::stdout().lock();
        // The user is at the terminal: a failed write has nowhere better to be reported.
        let _ = writeln!(stdout, "{message}");
        let _ = stdout.flush();
    }
}
