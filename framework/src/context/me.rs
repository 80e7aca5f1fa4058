//! [`Me`]: the logged-in account, as filters and extractors need it.

/// Who the logged-in account is; filters like `me` and `/cmd@ThisBot` need it.
#[derive(Debug, Clone)]
pub struct Me {
    /// The account's user id.
    pub id: i64,
    /// The account's username, without `@`.
    pub username: Option<String>,
    /// Whether the account is a bot.
    pub is_bot: bool,
}
