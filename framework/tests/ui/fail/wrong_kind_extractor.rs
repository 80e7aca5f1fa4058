use oxygram::prelude::*;

// A `Message` argument on a button-press handler would never extract: refused where it is.
#[handler(callback = "like")]
async fn like(msg: Message) -> Result<()> {
    msg.reply("thanks").await?;
    Ok(())
}

fn main() {}
