//! The four echo bots under test and how each is named on the command line.

use std::fmt;

/// One echo-bot implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Implementation {
    /// `bench-oxygram-echo`: one `#[handler]`, release build.
    Oxygram,
    /// `bench-grammers-echo`: a hand-written grammers loop, the ceiling.
    Grammers,
    /// `python/telethon_echo.py`: Telethon 1.45.
    Telethon,
    /// `python/kurigram_echo.py`: kurigram, Pyrogram's maintained fork.
    Kurigram,
}

impl Implementation {
    /// All four, in report order (oxygram first: ratios are oxygram / the others).
    pub const ALL: [Implementation; 4] = [
        Implementation::Oxygram,
        Implementation::Grammers,
        Implementation::Telethon,
        Implementation::Kurigram,
    ];

    /// The name used on the command line and in tables.
    pub fn name(self) -> &'static str {
        match self {
            Implementation::Oxygram => "oxygram",
            Implementation::Grammers => "grammers",
            Implementation::Telethon => "telethon",
            Implementation::Kurigram => "kurigram",
        }
    }

    /// Parses a [`Implementation::name`].
    pub fn parse(name: &str) -> Option<Implementation> {
        Self::ALL.into_iter().find(|i| i.name() == name.trim())
    }

    /// Whether the bot is a Python script (needs `python3` and its library).
    pub fn is_python(self) -> bool {
        matches!(self, Implementation::Telethon | Implementation::Kurigram)
    }
}

impl fmt::Display for Implementation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
