//! One module per plugin: `Bot.toml` can switch each on and off by its name
//! (`[plugins] exclude = ["start"]`) and give it settings (`[plugins.start]`).

pub mod start;
