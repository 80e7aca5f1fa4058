//! Every example, run as a process in the sandbox with a piped script: a real MTProto
//! session against the in-process testkit, driven the way a user would in a shell.

mod support;

use support::{assert_in_order, sandbox_script};

#[test]
fn echo_greets_and_echoes() {
    let run = sandbox_script("echo", &["--sandbox"], "/start\nhello there\n");
    assert_in_order(
        &run.stdout,
        &[
            "@you: /start",
            "@oxygram_bot: Hi! Send me any text and I will send it back.",
            "@you: hello there",
            "@oxygram_bot: hello there",
            // `msg.reply` answers a message, and the transcript says which.
            "  ↳ reply to @you: \"hello there\"",
        ],
    );
    // /start was answered by `start` only: the echo handler is in the same group.
    assert!(
        !run.stdout.contains("@oxygram_bot: /start"),
        "{}",
        run.stdout
    );
}

#[test]
fn commands_parse_typed_arguments_and_generate_help() {
    let run = sandbox_script(
        "commands",
        &["--sandbox"],
        "/help\n/roll 2 6\n/roll two six\n/greet Ada Lovelace\n",
    );
    assert_in_order(
        &run.stdout,
        &[
            "@oxygram_bot: Commands:",
            "/greet - Greet someone: /greet <name>",
            "/help - List the commands",
            "/roll - Roll dice: /roll <count> <sides>",
            "@oxygram_bot: Rolled 2d6: best case 12",
            "@oxygram_bot: Usage: /roll <count> <sides>",
            "argument 1 `two` is not a valid u8",
            "@oxygram_bot: Hello, Ada Lovelace!",
        ],
    );
}

#[test]
fn keyboard_presses_edit_the_message() {
    let run = sandbox_script(
        "keyboard",
        &["--sandbox"],
        "/start\n:press 2\n:pres 2\n:press +1\n:press -1\n:press +1\n:press Reset\n\
         :press Close\n:press 1\n",
    );
    assert_in_order(
        &run.stdout,
        &[
            "@oxygram_bot: Counter: 0",
            "[1] -1  [2] +1",
            "[3] Reset  [4] Close",
            "@you pressed [+1]",
            "(answer) Now 1",
            "@oxygram_bot (edited): Counter: 1",
            // `+1` is a label: it presses that button, not button number 1 (`-1`).
            "@you pressed [+1]",
            "(answer) Now 2",
            "@oxygram_bot (edited): Counter: 2",
            "@you pressed [-1]",
            "@oxygram_bot (edited): Counter: 1",
            "@you pressed [+1]",
            "@oxygram_bot (edited): Counter: 2",
            "@you pressed [Reset]",
            "@oxygram_bot (edited): Counter: 0",
            "@you pressed [Close]",
            "@oxygram_bot deleted: \"Counter: 0\"",
        ],
    );
    // A mistyped command is refused with the right one, and never reaches the bot.
    assert!(
        run.stderr
            .contains("sandbox: unknown command :pres; did you mean :press?"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains(":pres 2"), "{}", run.stdout);
    // The keyboard went with the message: nothing is left to press.
    assert!(
        run.stderr
            .contains("sandbox: there is no keyboard to press"),
        "{}",
        run.stderr
    );
}

#[test]
fn inline_results_can_be_picked() {
    let run = sandbox_script("inline", &["--sandbox"], ":inline rust\n:pick 2\n");
    assert_in_order(
        &run.stdout,
        &[
            "@oxygram_bot (inline):",
            "[1] UPPERCASE — RUST",
            "[2] Reversed — tsur",
            "[3] Shout — rust!!!",
            "@you (via @oxygram_bot): tsur",
        ],
    );
}

#[test]
fn userbot_answers_its_own_ping_only() {
    let run = sandbox_script(
        "userbot",
        &["--sandbox=user"],
        ".ping\n:in .ping\n:in hello\n.count\n",
    );
    assert_in_order(
        &run.stdout,
        &[
            "@me: .ping",
            "@me (edited): pong",
            "@friend: .ping",
            "@friend: hello",
            "@me: .count",
            "@me (edited): 2 incoming messages so far",
        ],
    );
    // The friend's `.ping` is incoming: the userbot must not touch it.
    assert_eq!(run.stdout.matches("pong").count(), 1, "{}", run.stdout);
}

#[test]
fn plugins_from_a_library_crate_are_linked() {
    let run = sandbox_script("external_plugins", &["--sandbox"], "/about\n/sum 1 2 3\n");
    assert_in_order(
        &run.stdout,
        &[
            "@oxygram_bot: My handlers live in the oxygram-example-plugins library crate.",
            "@oxygram_bot: Sum: 6",
        ],
    );
}

#[test]
fn group_helper_uses_plugin_defaults_without_bot_toml() {
    let run = sandbox_script(
        "group_helper",
        &["--sandbox"],
        "/warn bob\n/warnings\n/save rules Be nice\n/get rules\n",
    );
    assert_in_order(
        &run.stdout,
        &[
            "@oxygram_bot: bob warned (1/3)",
            "@oxygram_bot: Warnings:",
            "bob: 1",
            "@oxygram_bot: Saved note `rules`",
            "@oxygram_bot: Be nice",
        ],
    );
}

#[test]
fn bad_sandbox_mode_is_a_clear_error() {
    let folder = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(support::example("echo"))
        .arg("--sandbox=robot")
        .current_dir(folder.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--sandbox=\"robot\" is not a sandbox mode"),
        "{stderr}"
    );
}

#[test]
fn group_with_privacy_mode_as_bob_joining_and_leaving() {
    let run = sandbox_script(
        "echo",
        &["--sandbox"],
        ":group\n/start\njust chatting\n:as bob /start\n:as bob hey @oxygram_bot\n\
         :leave bob\n:as bob still here?\n:join bob\n:private\n:as bob hello from bob\n",
    );
    assert_in_order(
        &run.stdout,
        &[
            "[group] @you: /start",
            "[group] @oxygram_bot: Hi! Send me any text and I will send it back.",
            "[group] @you: just chatting",
            "(not delivered to the bot: privacy mode; commands, replies and mentions are)",
            "[group] @bob: /start",
            "[group] @oxygram_bot: Hi! Send me any text and I will send it back.",
            // A mention reaches the bot through privacy mode.
            "[group] @bob: hey @oxygram_bot",
            "[group] @oxygram_bot: hey @oxygram_bot",
            "[group] @bob left",
            "[group] @you added @bob",
            // In private, bob talks to the bot in his own chat.
            "[@bob's chat] @bob: hello from bob",
            "[@bob's chat] @oxygram_bot: hello from bob",
        ],
    );
    // What privacy mode kept from the bot was not answered, and said so once.
    assert!(
        !run.stdout.contains("@oxygram_bot: just chatting"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stdout.matches("privacy mode;").count(),
        1,
        "{}",
        run.stdout
    );
    // Bob's own lines are printed once, not again when @you receive them.
    assert_eq!(
        run.stdout.matches("@bob: /start").count(),
        1,
        "{}",
        run.stdout
    );
    // Out of the group, bob cannot write there.
    assert!(!run.stdout.contains("still here?"), "{}", run.stdout);
    assert!(
        run.stderr.contains("could not send as @bob")
            && run.stderr.contains("CHAT_WRITE_FORBIDDEN"),
        "{}",
        run.stderr
    );
}

#[test]
fn privacy_off_lets_the_bot_read_group_chatter() {
    let run = sandbox_script(
        "echo",
        &["--sandbox"],
        ":group\nchat one\n:privacy off\nchat two\n",
    );
    assert_in_order(
        &run.stdout,
        &[
            "[group] @you: chat one",
            "(not delivered to the bot: privacy mode; commands, replies and mentions are)",
            "[group] @you: chat two",
            "[group] @oxygram_bot: chat two",
        ],
    );
    assert!(
        !run.stdout.contains("@oxygram_bot: chat one"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("privacy mode off"), "{}", run.stderr);
}

#[test]
fn group_changes_and_stopping_the_bot() {
    let run = sandbox_script(
        "echo",
        &["--sandbox"],
        ":group\n:kick bob\n:as bob back?\n:title Renamed\n/start\n:private\n:block\nhello\n\
         :unblock\nhello again\n",
    );
    assert_in_order(
        &run.stdout,
        &[
            "[group] @you removed @bob",
            "[group] @you renamed the group to \"Renamed\"",
            // The group is still found (and the bot still in it) under its new title.
            "[group] @you: /start",
            "[group] @oxygram_bot: Hi! Send me any text and I will send it back.",
            "@oxygram_bot: hello again",
        ],
    );
    // Removed, bob can no longer write there; blocked, the bot's echo could not reach you.
    assert!(!run.stdout.contains("back?"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("@oxygram_bot: hello\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("you stopped @oxygram_bot") && run.stderr.contains("you restarted"),
        "{}",
        run.stderr
    );
}
