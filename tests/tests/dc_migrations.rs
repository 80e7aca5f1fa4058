//! Several data centres with a whole oxygram bot: a file a user on DC 4 sends is downloaded by
//! a handler through the app's own client (which follows the file to DC 4, importing its
//! authorization there first), and the bot keeps answering on its home DC.

use std::time::{Duration, Instant};

use oxygram::App;
use oxygram::prelude::*;
use oxygram_testkit::{Bot, TestKit, User, World};

const TOKEN: &str = "123456:DCTESTTOKEN";
const API_ID: i32 = 12345;
const API_HASH: &str = "0123456789abcdef0123456789abcdef";
const TIMEOUT: Duration = Duration::from_secs(30);

#[handler(message, plugin = "dcs")]
async fn download(msg: Message, client: Client) -> Result<()> {
    let Some(media) = msg.media() else {
        msg.reply(format!("text: {}", msg.text())).await?;
        return Ok(());
    };
    let mut bytes = Vec::new();
    let mut chunks = client.iter_download(&media);
    while let Some(chunk) = chunks.next().await? {
        bytes.extend(chunk);
    }
    let sum: u64 = bytes.iter().map(|b| u64::from(*b)).sum();
    msg.reply(format!("got {} bytes, sum {sum}", bytes.len()))
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_file_stored_on_another_dc_is_downloaded_by_a_handler() {
    let kit = TestKit::start(
        World::new()
            .app(API_ID, API_HASH)
            .bot(Bot::new(TOKEN).username("dc_bot"))
            .user(
                User::new("+4915550003")
                    .first_name("Carol")
                    .username("carol")
                    .dc(4),
            ),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    kit.write_session_file(dir.path().join("bot.session"))
        .await
        .unwrap();
    let toml = format!(
        "[telegram]\napi_id = {API_ID}\napi_hash = \"{API_HASH}\"\nbot_token = \"{TOKEN}\"\n\
         [session]\nname = \"bot\"\ndir = {dir:?}\n\
         [plugins]\ninclude = [\"dcs\"]\n",
        dir = dir.path().display().to_string(),
    );
    let mut app = App::new().config(oxygram::Config::from_toml_str(&toml).unwrap());
    tokio::time::timeout(TIMEOUT, app.start())
        .await
        .unwrap()
        .unwrap();

    let carol = kit.user("carol");
    let payload: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let sum: u64 = payload.iter().map(|b| u64::from(*b)).sum();
    let started = Instant::now();
    carol
        .send_file("dc_bot", "big.bin", payload.clone(), false, "")
        .await
        .unwrap();
    let reply = carol.next_message(TIMEOUT).await.unwrap();
    let first = started.elapsed();
    assert_eq!(
        reply.text,
        format!("got {} bytes, sum {sum}", payload.len())
    );
    // A second file: the authorization on DC 4 is reused.
    let started = Instant::now();
    carol
        .send_file("dc_bot", "again.bin", payload.clone(), false, "")
        .await
        .unwrap();
    let reply = carol.next_message(TIMEOUT).await.unwrap();
    let second = started.elapsed();
    assert_eq!(
        reply.text,
        format!("got {} bytes, sum {sum}", payload.len())
    );
    // And plain messages still come and go on the home DC.
    carol.send_text("dc_bot", "still here").await.unwrap();
    assert_eq!(
        carol.next_message(TIMEOUT).await.unwrap().text,
        "text: still here"
    );

    let log = kit.rpc_log();
    let count = |method: &str, error: Option<&str>| {
        log.iter()
            .filter(|c| c.method == method && c.error.as_deref() == error)
            .count()
    };
    assert_eq!(count("auth.exportAuthorization", None), 1);
    assert_eq!(count("auth.importAuthorization", None), 1);
    assert_eq!(count("upload.getFile", Some("AUTH_KEY_UNREGISTERED")), 1);
    println!(
        "file on DC 4: 1 MB downloaded by a handler, first {first:?} (with export/import), \
         second {second:?}; getFile calls: {}",
        count("upload.getFile", None)
    );
    tokio::time::timeout(TIMEOUT, app.stop())
        .await
        .unwrap()
        .unwrap();
    kit.shutdown().await;
}
