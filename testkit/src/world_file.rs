//! Loading a [`World`] from a TOML file, for the CLI and for tests that share a world.
//!
//! The format (every table optional; unknown keys are errors):
//!
//! ```toml
//! login_code = "12345"          # fixed login code; random 5 digits when absent
//! callback_answer_deadline_ms = 15000  # how long bots have to answer a button press
//! limits = "telegram"           # Telegram's sending limits (the default); "lifted" turns
//!                               # them off, for benchmarks and load tests only
//!
//! [[apps]]                      # when any app is listed, others get API_ID_INVALID
//! api_id = 12345
//! api_hash = "0123456789abcdef0123456789abcdef"
//!
//! [[bots]]
//! token = "123456:TESTTOKEN"     # the number before ':' is the bot's user id
//! username = "echo_bot"
//! name = "Echo"
//! privacy = false                # BotFather's privacy mode in groups; true when absent
//!
//! [[users]]
//! phone = "+15550001"
//! first_name = "Alice"
//! last_name = "Liddell"
//! username = "alice"
//! password = "hunter2"           # enables 2FA (real SRP)
//! hint = "pet"
//! dc = 4                     # the number lives on DC 4 (default 2): PHONE_MIGRATE_4 at login
//!
//! [[groups]]                    # basic groups
//! title = "Friends"
//! members = ["alice", "echo_bot"] # usernames, +phones or ids; the first one creates it
//! admins = ["echo_bot"]          # admins (also members); an admin bot sees every message
//!
//! [[supergroups]]               # one shared box with its own pts
//! title = "Lounge"
//! username = "lounge"
//! members = ["alice", "echo_bot"]
//! join_requests = true           # joining needs an admin's approval (join requests)
//! slow_mode = 10                 # seconds between a member's messages (supergroups only)
//!
//! [[channels]]                  # broadcast: only the creator posts
//! title = "News"
//! username = "news"
//! members = ["alice", "echo_bot"]
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::error::Error;
use crate::world::{Bot, Group, User, World};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorldFile {
    login_code: Option<String>,
    callback_answer_deadline_ms: Option<u64>,
    limits: Option<LimitsEntry>,
    #[serde(default)]
    apps: Vec<AppEntry>,
    #[serde(default)]
    bots: Vec<BotEntry>,
    #[serde(default)]
    users: Vec<UserEntry>,
    #[serde(default)]
    groups: Vec<GroupEntry>,
    #[serde(default)]
    supergroups: Vec<GroupEntry>,
    #[serde(default)]
    channels: Vec<GroupEntry>,
}

/// `limits = "telegram" | "lifted"`.
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum LimitsEntry {
    Telegram,
    Lifted,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppEntry {
    api_id: i32,
    api_hash: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BotEntry {
    token: String,
    username: Option<String>,
    name: Option<String>,
    privacy: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserEntry {
    phone: String,
    first_name: Option<String>,
    last_name: Option<String>,
    username: Option<String>,
    password: Option<String>,
    hint: Option<String>,
    dc: Option<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupEntry {
    title: String,
    username: Option<String>,
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    admins: Vec<String>,
    #[serde(default)]
    join_requests: bool,
    slow_mode: Option<u64>,
}

impl World {
    /// Parses a world from TOML text (see the module docs for the format). `origin` names
    /// the source in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<World, Error> {
        let file: WorldFile = toml::from_str(text).map_err(|e| Error::WorldFile {
            path: origin.into(),
            message: e.to_string(),
        })?;
        let mut world = World::new();
        if let Some(code) = file.login_code {
            world = world.login_code(code);
        }
        if let Some(ms) = file.callback_answer_deadline_ms {
            world = world.callback_answer_deadline(std::time::Duration::from_millis(ms));
        }
        match file.limits {
            Some(LimitsEntry::Lifted) => world = world.without_limits(),
            Some(LimitsEntry::Telegram) | None => {}
        }
        for app in file.apps {
            world = world.app(app.api_id, app.api_hash);
        }
        for entry in file.bots {
            let mut bot = Bot::new(entry.token);
            if let Some(username) = entry.username {
                bot = bot.username(username);
            }
            if let Some(name) = entry.name {
                bot = bot.name(name);
            }
            if let Some(privacy) = entry.privacy {
                bot = bot.privacy(privacy);
            }
            world = world.bot(bot);
        }
        for entry in file.users {
            let mut user = User::new(entry.phone);
            user.first_name = entry.first_name;
            user.last_name = entry.last_name;
            user.username = entry.username;
            user.password = entry.password;
            user.hint = entry.hint;
            if let Some(dc) = entry.dc {
                if !(1..=5).contains(&dc) {
                    return Err(Error::WorldFile {
                        path: origin.into(),
                        message: format!("user {}: dc must be 1 to 5, not {dc}", user.phone),
                    });
                }
                user = user.dc(dc);
            }
            world = world.user(user);
        }
        let group = |entry: GroupEntry| {
            let mut group = Group::new(entry.title)
                .members(entry.members)
                .admins(entry.admins)
                .join_requests(entry.join_requests);
            group.username = entry.username;
            group.slow_mode = entry.slow_mode.map(std::time::Duration::from_secs);
            group
        };
        for entry in file.groups {
            world = world.group(group(entry));
        }
        for entry in file.supergroups {
            world = world.supergroup(group(entry));
        }
        for entry in file.channels {
            world = world.channel(group(entry));
        }
        Ok(world)
    }

    /// Reads a world from a TOML file (see the module docs for the format).
    pub fn from_file(path: impl AsRef<Path>) -> Result<World, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::WorldFile {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        World::from_toml_str(&text, &path.display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_example_parses() {
        let doc = include_str!("world_file.rs");
        let example: String = doc
            .lines()
            .skip_while(|l| !l.starts_with("//! ```toml"))
            .skip(1)
            .take_while(|l| !l.starts_with("//! ```"))
            .map(|l| l.trim_start_matches("//!").trim_start_matches(' '))
            .collect::<Vec<_>>()
            .join("\n");
        let world = World::from_toml_str(&example, "example").unwrap();
        assert_eq!(world.bots.len(), 1);
        assert_eq!(world.users[0].password.as_deref(), Some("hunter2"));
        assert_eq!(world.users[0].dc, Some(4));
        assert_eq!(world.dcs(), vec![crate::HOME_DC, 4]);
        assert_eq!(world.groups.len(), 3);
        assert_eq!(
            world.callback_deadline,
            Some(std::time::Duration::from_secs(15))
        );
        assert_eq!(world.limits, crate::Limits::telegram());
        assert_eq!(
            world.groups[1].slow_mode,
            Some(std::time::Duration::from_secs(10))
        );
    }

    #[test]
    fn limits_can_be_lifted_by_name_only() {
        let world = World::from_toml_str("limits = \"lifted\"\n", "w.toml").unwrap();
        assert!(world.limits.is_lifted());
        let err = World::from_toml_str("limits = \"off\"\n", "w.toml").unwrap_err();
        assert!(err.to_string().contains("lifted"), "{err}");
    }

    #[test]
    fn a_data_centre_outside_1_to_5_is_refused() {
        let err = World::from_toml_str("[[users]]\nphone = \"+15550001\"\ndc = 9\n", "w.toml")
            .unwrap_err();
        assert!(err.to_string().contains("dc must be 1 to 5"), "{err}");
    }

    #[test]
    fn typos_name_the_key_and_file() {
        let err = World::from_toml_str("[[bots]]\ntokn = \"1:x\"\n", "w.toml").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("w.toml") && text.contains("tokn"), "{text}");
    }
}
