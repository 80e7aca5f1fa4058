//! `Bot.toml` loading from arbitrary bytes: a configuration or a configuration error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxygram::Config;

fuzz_target!(|data: &[u8]| {
    let toml = String::from_utf8_lossy(data);
    match Config::from_toml_str(&toml) {
        Ok(config) => {
            assert!(config.dispatch.max_in_flight >= 1);
            assert!(!config.updates.checkpoint_interval.is_zero());
            assert!(!config.updates.watchdog_interval.is_zero());
        }
        // Loading returns its own ConfigError: a configuration error or nothing.
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});
