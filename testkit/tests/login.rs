//! Logging in with the real grammers client: bot tokens, login codes, 2FA.

mod common;

use common::*;
use grammers_client::SignInError;

async fn bot_login(storage: Storage) {
    let kit = oxygram_testkit::TestKit::start(world()).await.unwrap();
    let tc = TestClient::connect(&kit, storage).await;
    assert!(
        !tc.client.is_authorized().await.unwrap(),
        "fresh key must be logged out"
    );
    let err = tc
        .client
        .bot_sign_in("123456:WRONG", API_HASH)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("ACCESS_TOKEN_INVALID"), "{err}");
    let me = tc.client.bot_sign_in(BOT_TOKEN, API_HASH).await.unwrap();
    assert!(me.is_bot());
    assert_eq!(me.username(), Some("echo_bot"));
    assert!(tc.client.is_authorized().await.unwrap());
    let me = tc.client.get_me().await.unwrap();
    assert_eq!(me.first_name(), Some("Echo"));
    assert_eq!(me.id().bare_id(), Some(BOT_ID));
    tc.quit().await;
    kit.shutdown().await;
}

#[tokio::test]
async fn bot_login_memory_session() {
    bot_login(Storage::Memory).await;
}

#[tokio::test]
async fn bot_login_sqlite_session() {
    bot_login(Storage::Sqlite).await;
}

#[tokio::test]
async fn unknown_app_is_refused() {
    let kit = oxygram_testkit::TestKit::start(world()).await.unwrap();
    let tc = TestClient::connect(&kit, Storage::Memory).await;
    let err = tc
        .client
        .bot_sign_in(BOT_TOKEN, "ffffffffffffffffffffffffffffffff")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("API_ID_INVALID"), "{err}");
    tc.quit().await;
}

async fn user_login(storage: Storage) {
    let kit = oxygram_testkit::TestKit::start(world()).await.unwrap();
    let tc = TestClient::connect(&kit, storage).await;
    let c = &tc.client;

    // A wrong code.
    let token = c.request_login_code(ALICE_PHONE, API_HASH).await.unwrap();
    let code = kit.login_code(ALICE_PHONE).expect("a code was sent");
    assert_eq!(code.len(), 5);
    let wrong = if code == "00000" { "11111" } else { "00000" };
    assert!(matches!(
        c.sign_in(&token, wrong).await,
        Err(SignInError::InvalidCode)
    ));

    // An expired code (grammers folds PHONE_CODE_* into InvalidCode; the server said which).
    assert!(kit.expire_login_code(ALICE_PHONE));
    assert!(matches!(
        c.sign_in(&token, &code).await,
        Err(SignInError::InvalidCode)
    ));
    let errors: Vec<_> = kit.rpc_log().into_iter().filter_map(|c| c.error).collect();
    assert!(
        errors.contains(&"PHONE_CODE_INVALID".to_string()),
        "{errors:?}"
    );
    assert!(
        errors.contains(&"PHONE_CODE_EXPIRED".to_string()),
        "{errors:?}"
    );

    // A fresh code, then the 2FA password: wrong, then right.
    let token = c.request_login_code(ALICE_PHONE, API_HASH).await.unwrap();
    let code = kit.login_code(ALICE_PHONE).unwrap();
    let password_token = match c.sign_in(&token, &code).await {
        Err(SignInError::PasswordRequired(t)) => t,
        other => panic!("expected PasswordRequired, got {other:?}"),
    };
    assert_eq!(password_token.hint(), Some("pet"));
    let password_token = match c.check_password(password_token, "hunter3").await {
        Err(SignInError::InvalidPassword(t)) => t,
        other => panic!("expected InvalidPassword, got {other:?}"),
    };
    assert!(!c.is_authorized().await.unwrap());
    let me = c.check_password(password_token, "hunter2").await.unwrap();
    assert_eq!(me.first_name(), Some("Alice"));
    assert_eq!(me.phone(), Some("15550001"));
    assert!(c.is_authorized().await.unwrap());
    assert_eq!(c.get_me().await.unwrap().username(), Some("alice"));

    c.sign_out().await.unwrap();
    assert!(!c.is_authorized().await.unwrap());
    tc.quit().await;
}

#[tokio::test]
async fn user_login_memory_session() {
    user_login(Storage::Memory).await;
}

#[tokio::test]
async fn user_login_sqlite_session() {
    user_login(Storage::Sqlite).await;
}

#[tokio::test]
async fn user_without_password_and_unknown_number() {
    let kit = oxygram_testkit::TestKit::start(world().login_code("24680"))
        .await
        .unwrap();
    let tc = TestClient::connect(&kit, Storage::Memory).await;
    let c = &tc.client;
    let token = c.request_login_code(BOB_PHONE, API_HASH).await.unwrap();
    assert_eq!(kit.login_code(BOB_PHONE).as_deref(), Some("24680"));
    let me = c.sign_in(&token, "24680").await.unwrap();
    assert_eq!(me.first_name(), Some("Bob"));

    let tc2 = TestClient::connect(&kit, Storage::Memory).await;
    let token = tc2
        .client
        .request_login_code("+15559999", API_HASH)
        .await
        .unwrap();
    assert!(matches!(
        tc2.client.sign_in(&token, "24680").await,
        Err(SignInError::SignUpRequired)
    ));
    match tc2.client.request_login_code("not a phone", API_HASH).await {
        Err(err) => assert!(err.to_string().contains("PHONE_NUMBER_INVALID"), "{err}"),
        Ok(_) => panic!("an invalid phone number got a code"),
    }
    tc.quit().await;
    tc2.quit().await;
}

#[tokio::test]
async fn resend_code_and_full_user_through_raw_rpcs() {
    use grammers_client::tl;
    let kit = oxygram_testkit::TestKit::start(world()).await.unwrap();
    let tc = TestClient::connect(&kit, Storage::Memory).await;
    let c = &tc.client;
    let tl::enums::auth::SentCode::Code(sent) = c
        .invoke(&tl::functions::auth::SendCode {
            phone_number: BOB_PHONE.into(),
            api_id: API_ID,
            api_hash: API_HASH.into(),
            settings: tl::enums::CodeSettings::Settings(tl::types::CodeSettings {
                allow_flashcall: false,
                current_number: false,
                allow_app_hash: false,
                allow_missed_call: false,
                allow_firebase: false,
                unknown_number: false,
                logout_tokens: None,
                token: None,
                app_sandbox: None,
            }),
        })
        .await
        .unwrap()
    else {
        panic!("expected auth.sentCode");
    };
    let resent = c
        .invoke(&tl::functions::auth::ResendCode {
            phone_number: BOB_PHONE.into(),
            phone_code_hash: sent.phone_code_hash.clone(),
            reason: None,
        })
        .await
        .unwrap();
    assert!(
        matches!(resent, tl::enums::auth::SentCode::Code(ref s) if s.phone_code_hash == sent.phone_code_hash)
    );
    let err = c
        .invoke(&tl::functions::auth::ResendCode {
            phone_number: BOB_PHONE.into(),
            phone_code_hash: "wrong".into(),
            reason: None,
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("PHONE_CODE_HASH_EMPTY"), "{err}");
    let code = kit.login_code(BOB_PHONE).unwrap();
    let auth = c
        .invoke(&tl::functions::auth::SignIn {
            phone_number: BOB_PHONE.into(),
            phone_code_hash: sent.phone_code_hash,
            phone_code: Some(code),
            email_verification: None,
        })
        .await
        .unwrap();
    assert!(matches!(
        auth,
        tl::enums::auth::Authorization::Authorization(_)
    ));

    let tl::enums::users::UserFull::Full(full) = c
        .invoke(&tl::functions::users::GetFullUser {
            id: tl::enums::InputUser::UserSelf,
        })
        .await
        .unwrap();
    let tl::enums::UserFull::Full(inner) = full.full_user;
    assert_eq!(inner.id, kit.account_id("bob").unwrap());
    assert!(
        matches!(&full.users[..], [tl::enums::User::User(u)] if u.is_self && u.first_name.as_deref() == Some("Bob"))
    );
    tc.quit().await;
}
