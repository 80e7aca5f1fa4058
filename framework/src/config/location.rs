//! Which file is the configuration: `--config PATH`, else `OXYGRAM_CONFIG`, else `./Bot.toml`.
//!
//! The path is made absolute at once: figment searches parent folders for relative paths,
//! which would silently pick up some other project's `Bot.toml`, and errors read better with
//! the full path.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::error::ConfigError;

/// The file name used when nothing else is given.
pub const DEFAULT_FILE: &str = "Bot.toml";

/// The variable naming the configuration file.
pub const CONFIG_VAR: &str = "OXYGRAM_CONFIG";

/// Picks the configuration file from command-line arguments (program name excluded) and the
/// value of `OXYGRAM_CONFIG`; relative paths are taken from the current directory.
///
/// Arguments other than `--config PATH` / `--config=PATH` are left for the app; the last
/// `--config` wins, as with most command-line tools.
pub fn config_path(
    args: impl IntoIterator<Item = OsString>,
    env_value: Option<OsString>,
) -> Result<PathBuf, ConfigError> {
    let mut from_args = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if arg == "--config" {
            match args.next() {
                Some(path) if !path.is_empty() => from_args = Some(PathBuf::from(path)),
                _ => return Err(ConfigError::MissingArgument),
            }
        } else if let Some(path) = arg.to_str().and_then(|a| a.strip_prefix("--config=")) {
            if path.is_empty() {
                return Err(ConfigError::MissingArgument);
            }
            from_args = Some(PathBuf::from(path));
        }
    }
    let chosen = from_args
        .or_else(|| env_value.filter(|v| !v.is_empty()).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_FILE));
    Ok(absolute(&chosen))
}

/// `path` made absolute without touching the file system (the file may not exist yet).
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn flag_beats_variable_beats_default() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            config_path(args(&["--config", "/a/x.toml"]), Some("/b/y.toml".into())).unwrap(),
            PathBuf::from("/a/x.toml")
        );
        assert_eq!(
            config_path(args(&["--verbose", "--config=/a/z.toml"]), None).unwrap(),
            PathBuf::from("/a/z.toml")
        );
        assert_eq!(
            config_path(args(&[]), Some("/b/y.toml".into())).unwrap(),
            PathBuf::from("/b/y.toml")
        );
        assert_eq!(config_path(args(&[]), None).unwrap(), cwd.join("Bot.toml"));
    }

    #[test]
    fn config_flag_without_path_is_an_error() {
        let err = config_path(args(&["--config"]), None).unwrap_err();
        assert!(err.to_string().contains("--config needs a path"), "{err}");
    }
}
