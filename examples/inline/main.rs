//! Inline mode: type `@bot query` in any chat and pick a result.
//!
//! ```text
//! cargo run --example inline -- --sandbox
//! > :inline rust
//! > :pick 2
//! ```

use oxygram::grammers::update::Article;
use oxygram::prelude::*;

/// Offers the query back in three styles.
#[handler(inline_query)]
async fn transform(query: InlineQuery) -> Result<()> {
    let text = query.text().trim().to_owned();
    if text.is_empty() {
        query.answer(Vec::<Article>::new()).send().await?;
        return Ok(());
    }
    let results = [
        ("upper", "UPPERCASE", text.to_uppercase()),
        ("reverse", "Reversed", text.chars().rev().collect()),
        ("shout", "Shout", format!("{}!!!", text)),
    ]
    .into_iter()
    .map(|(id, title, output)| {
        Article::new(title, InputMessage::new().text(output.clone()))
            .id(id)
            .description(output)
    });
    query.answer(results).cache_time(0).send().await?;
    Ok(())
}

fn main() -> oxygram::Result<()> {
    oxygram::App::new().run()
}
