//! The async lifecycle for apps that own a runtime: `start()` / `stop()` / `start()` again,
//! with the login answers coming from a `Prompter` written in code.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oxygram::login::{CodeDelivery, Prompter, SecretString};
use oxygram::{App, Config};
use oxygram_e2e::core_app::ECHO;
use oxygram_testkit::{TestKit, User, World};

const API_ID: i32 = 12345;
const API_HASH: &str = "0123456789abcdef0123456789abcdef";
const PHONE: &str = "+15550001";
const CODE: &str = "55123";
const PASSWORD: &str = "from code";

/// Answers like a deployment script would, and records what the login told the user.
#[derive(Clone, Default)]
struct Scripted {
    shown: Arc<Mutex<Vec<String>>>,
    asked: Arc<Mutex<Vec<&'static str>>>,
}

impl Prompter for Scripted {
    fn phone(&mut self) -> std::io::Result<Option<String>> {
        self.asked.lock().unwrap().push("phone");
        Ok(Some(PHONE.to_owned()))
    }

    fn confirm_phone(&mut self, _phone: &str) -> std::io::Result<bool> {
        Ok(true)
    }

    fn code(&mut self, sent_via: &CodeDelivery) -> std::io::Result<Option<SecretString>> {
        assert_eq!(*sent_via, CodeDelivery::App);
        self.asked.lock().unwrap().push("code");
        Ok(Some(CODE.into()))
    }

    fn password(&mut self, hint: Option<&str>) -> std::io::Result<Option<SecretString>> {
        assert_eq!(hint, Some("the usual"));
        self.asked.lock().unwrap().push("password");
        Ok(Some(PASSWORD.into()))
    }

    fn show(&mut self, message: &str) {
        self.shown.lock().unwrap().push(message.to_owned());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_stop_and_start_again_with_a_prompter_from_code() {
    let kit = TestKit::start(
        World::new()
            .app(API_ID, API_HASH)
            .login_code(CODE)
            .user(
                User::new(PHONE)
                    .first_name("Dan")
                    .username("dan")
                    .password(PASSWORD)
                    .hint("the usual"),
            )
            .user(User::new("+15550002").first_name("Alice").username("alice")),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    kit.write_session_file(dir.path().join("app.session"))
        .await
        .unwrap();
    let config = Config::from_toml_str(&format!(
        "[telegram]\napi_id = {API_ID}\napi_hash = \"{API_HASH}\"\n\n\
         [session]\nname = \"app\"\ndir = '{}'\n",
        dir.path().display()
    ))
    .unwrap();

    let prompter = Scripted::default();
    let mut app = App::new()
        .config(config)
        .handlers([ECHO])
        .prompter(prompter.clone());
    app.start().await.unwrap();
    assert_eq!(app.me().unwrap().username.as_deref(), Some("dan"));
    assert!(!app.me().unwrap().is_bot);
    assert_eq!(
        *prompter.asked.lock().unwrap(),
        ["phone", "code", "password"]
    );
    assert_eq!(
        *prompter.shown.lock().unwrap(),
        [
            "The confirmation code has been sent via Telegram app",
            "The two-step verification is enabled and a password is required",
            "Password hint: the usual",
            "Logged in successfully as Dan",
        ]
    );

    let alice = kit.user("alice");
    alice.send_text("dan", "hi").await.unwrap();
    let reply = alice.next_message(Duration::from_secs(30)).await.unwrap();
    assert_eq!(reply.text, "echo: hi");
    app.stop().await.unwrap();
    assert!(app.client().is_none());

    // The same app starts again from its session: nothing is asked.
    app.start().await.unwrap();
    alice.send_text("dan", "again").await.unwrap();
    let reply = alice.next_message(Duration::from_secs(30)).await.unwrap();
    assert_eq!(reply.text, "echo: again");
    app.stop().await.unwrap();
    assert_eq!(prompter.asked.lock().unwrap().len(), 3);
}
