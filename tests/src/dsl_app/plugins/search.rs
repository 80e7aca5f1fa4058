//! Inline queries with an `inline` pattern and captures, and the chosen result.

use oxygram::grammers::update::Article;
use oxygram::prelude::*;

use super::Chosen;

#[handler(inline = r"^(?<what>\w+)$")]
async fn search(q: InlineQuery, caps: Captures) -> Result<()> {
    let what = caps.name("what").unwrap_or_default().to_owned();
    q.answer([
        Article::new(format!("Find {what}"), format!("found {what}")).id(format!("r-{what}")),
    ])
    .send()
    .await?;
    Ok(())
}

#[handler(chosen_inline)]
async fn chosen(choice: InlineSend, State(chosen): State<Chosen>) {
    chosen
        .0
        .lock()
        .unwrap()
        .push(format!("{} for {}", choice.result_id(), choice.text()));
}
