//! Several data centres: `help.getConfig`, `PHONE_MIGRATE_X` at login, per-DC authorization
//! (`auth.exportAuthorization` / `auth.importAuthorization`) and `FILE_MIGRATE_X`, with the
//! real grammers client.

mod common;

use std::sync::Arc;

use common::*;
use grammers_client::tl;
use grammers_mtsender::InvocationError;
use grammers_session::Session;
use grammers_session::storages::MemorySession;
use oxygram_testkit::{HOME_DC, TestKit, User};

const CAROL_PHONE: &str = "+4915550003";

/// The usual world plus carol, whose number lives on DC 4.
fn two_dc_world() -> oxygram_testkit::World {
    world().user(
        User::new(CAROL_PHONE)
            .first_name("Carol")
            .username("carol")
            .dc(4),
    )
}

fn rpc_name(error: &InvocationError) -> Option<(i32, String, Option<u32>)> {
    match error {
        InvocationError::Rpc(rpc) => Some((rpc.code, rpc.name.clone(), rpc.value)),
        _ => None,
    }
}

#[tokio::test]
async fn each_dc_listens_apart_and_the_config_lists_them() {
    let kit = TestKit::start(two_dc_world()).await.unwrap();
    assert_eq!(kit.data_centres(), vec![HOME_DC, 4]);
    let dc4 = kit.dc_addr(4).unwrap();
    assert_ne!(dc4, kit.addr());
    let (bot, _updates) = bot_client(&kit).await;

    let tl::enums::Config::Config(config) = bot
        .client
        .invoke(&tl::functions::help::GetConfig {})
        .await
        .unwrap();
    assert_eq!(config.this_dc, HOME_DC);
    let mut listed: Vec<_> = config
        .dc_options
        .iter()
        .map(|tl::enums::DcOption::Option(o)| (o.id, o.port, o.r#static))
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        vec![
            (HOME_DC, i32::from(kit.addr().port()), true),
            (4, i32::from(dc4.port()), true)
        ]
    );

    // The same question on DC 4 (no login needed for it) names DC 4.
    let tl::enums::Config::Config(there) = bot
        .client
        .invoke_in_dc(4, &tl::functions::help::GetConfig {})
        .await
        .unwrap();
    assert_eq!(there.this_dc, 4);
    bot.quit().await;
}

#[tokio::test]
async fn a_number_on_another_dc_is_migrated_at_send_code_and_lives_there() {
    let kit = TestKit::start(two_dc_world()).await.unwrap();
    let data = kit.session_data();
    assert_eq!(data.home_dc, HOME_DC);
    let session = Arc::new(MemorySession::from(data));
    let mut tc = TestClient::from_pool(
        grammers_mtsender::SenderPool::new(Arc::clone(&session), API_ID),
        None,
    );

    // grammers follows PHONE_MIGRATE_4 itself: home DC 4, then the code again.
    let token = tc
        .client
        .request_login_code(CAROL_PHONE, API_HASH)
        .await
        .unwrap();
    assert_eq!(session.home_dc_id().unwrap(), 4);
    let code = kit.login_code(CAROL_PHONE).unwrap();
    let me = tc.client.sign_in(&token, &code).await.unwrap();
    assert_eq!(me.username(), Some("carol"));
    let send_codes: Vec<_> = kit
        .rpc_log()
        .into_iter()
        .filter(|c| c.method == "auth.sendCode")
        .map(|c| c.error)
        .collect();
    assert_eq!(send_codes, vec![Some("PHONE_MIGRATE_4".to_string()), None]);

    // Updates come on DC 4 now.
    let mut updates = tc.stream().await;
    kit.user("alice")
        .send_text("carol", "hello carol")
        .await
        .unwrap();
    assert_eq!(next_new_message(&mut updates).await.text(), "hello carol");

    // A user of the home DC is not moved.
    let other = TestClient::connect(&kit, Storage::Memory).await;
    other
        .client
        .request_login_code(BOB_PHONE, API_HASH)
        .await
        .unwrap();
    assert_eq!(
        kit.rpc_log()
            .iter()
            .filter(|c| c.error.as_deref() == Some("PHONE_MIGRATE_4"))
            .count(),
        1
    );
    other.quit().await;
    tc.quit().await;
}

#[tokio::test]
async fn another_dc_is_unauthorized_until_the_authorization_is_imported() {
    let kit = TestKit::start(two_dc_world()).await.unwrap();
    let (bot, _updates) = bot_client(&kit).await;
    let c = &bot.client;

    let unauthorized = c
        .invoke_in_dc(4, &tl::functions::updates::GetState {})
        .await
        .unwrap_err();
    assert_eq!(
        rpc_name(&unauthorized),
        Some((401, "AUTH_KEY_UNREGISTERED".into(), None))
    );

    // Exporting to the DC one is on, or to one that does not exist, is refused.
    for dc_id in [HOME_DC, 3] {
        let refused = c
            .invoke(&tl::functions::auth::ExportAuthorization { dc_id })
            .await
            .unwrap_err();
        assert_eq!(
            rpc_name(&refused),
            Some((400, "DC_ID_INVALID".into(), None))
        );
    }

    let tl::enums::auth::ExportedAuthorization::Authorization(exported) = c
        .invoke(&tl::functions::auth::ExportAuthorization { dc_id: 4 })
        .await
        .unwrap();
    assert_eq!(exported.id, BOT_ID);
    // Someone else's id with these bytes is refused, and so are made-up bytes.
    for (id, bytes) in [
        (exported.id + 1, exported.bytes.clone()),
        (exported.id, vec![1, 2, 3]),
    ] {
        let refused = c
            .invoke_in_dc(4, &tl::functions::auth::ImportAuthorization { id, bytes })
            .await
            .unwrap_err();
        assert_eq!(
            rpc_name(&refused),
            Some((400, "AUTH_BYTES_INVALID".into(), None))
        );
    }
    let import = tl::functions::auth::ImportAuthorization {
        id: exported.id,
        bytes: exported.bytes.clone(),
    };
    c.invoke_in_dc(4, &import).await.unwrap();
    c.invoke_in_dc(4, &tl::functions::updates::GetState {})
        .await
        .unwrap();
    // The bytes are good once.
    let reused = c.invoke_in_dc(4, &import).await.unwrap_err();
    assert_eq!(
        rpc_name(&reused),
        Some((400, "AUTH_BYTES_INVALID".into(), None))
    );
    bot.quit().await;
}

#[tokio::test]
async fn a_file_on_another_dc_is_downloaded_from_there() {
    let kit = TestKit::start(two_dc_world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let payload: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    kit.user("carol")
        .send_file("echo_bot", "dc4.bin", payload.clone(), false, "from DC 4")
        .await
        .unwrap();
    let incoming = next_new_message(&mut updates).await;
    let media = incoming.media().expect("a document");
    let grammers_client::media::Media::Document(document) = &media else {
        panic!("a document, not {media:?}");
    };
    let tl::enums::Document::Document(raw) = document.raw.document.clone().unwrap() else {
        panic!("an empty document");
    };
    assert_eq!(raw.dc_id, 4);

    // Asked on the home DC, the file answers FILE_MIGRATE_4.
    let location: tl::enums::InputFileLocation = tl::types::InputDocumentFileLocation {
        id: raw.id,
        access_hash: raw.access_hash,
        file_reference: raw.file_reference.clone(),
        thumb_size: String::new(),
    }
    .into();
    let migrate = bot
        .client
        .invoke(&tl::functions::upload::GetFile {
            precise: false,
            cdn_supported: false,
            location: location.clone(),
            offset: 0,
            limit: 1024 * 1024,
        })
        .await
        .unwrap_err();
    assert_eq!(
        rpc_name(&migrate),
        Some((303, "FILE_MIGRATE".into(), Some(4)))
    );

    // grammers' download goes to DC 4, is told it is not logged in there, copies its
    // authorization (export on DC 2, import on DC 4) and downloads.
    let mut download = bot.client.iter_download(&media);
    let mut got = Vec::new();
    while let Some(chunk) = download.next().await.unwrap() {
        got.extend(chunk);
    }
    assert_eq!(got, payload);
    let calls: Vec<_> = kit
        .rpc_log()
        .into_iter()
        .filter(|c| c.method.starts_with("upload.getFile") || c.method.contains("Authorization"))
        .map(|c| (c.method, c.error))
        .collect();
    assert!(
        calls.contains(&("auth.exportAuthorization".into(), None))
            && calls.contains(&("auth.importAuthorization".into(), None))
            && calls.contains(&(
                "upload.getFile".into(),
                Some("AUTH_KEY_UNREGISTERED".into())
            ))
            && calls.last() == Some(&("upload.getFile".into(), None)),
        "{calls:?}"
    );
    bot.quit().await;
}
