//! The sandbox in a pseudo-terminal, as a person uses it: type `/start`, read the reply,
//! press a button, watch the message change, leave with Ctrl+D.

mod support;

use std::process::Command;

/// How long one expected line may take to appear.
const EXPECT_MS: u64 = 60_000;

#[test]
fn interactive_session_types_presses_and_quits() -> Result<(), rexpect::error::Error> {
    let folder = tempfile::tempdir().expect("temp folder");
    let mut command = Command::new(support::example("keyboard"));
    command
        .arg("--sandbox")
        .current_dir(folder.path())
        .env_remove("RUST_LOG");
    let mut session = rexpect::session::spawn_command(command, Some(EXPECT_MS))?;

    session.exp_string("You are @you, chatting with the bot @oxygram_bot.")?;
    session.exp_string("Ctrl+D quits.")?;

    session.send_line("/start")?;
    session.exp_string("@oxygram_bot: Counter: 0")?;
    session.exp_string("[1] -1  [2] +1")?;

    session.send_line(":press 2")?;
    session.exp_string("(answer) Now 1")?;
    session.exp_string("@oxygram_bot (edited): Counter: 1")?;

    session.send_line(":help")?;
    session.exp_string(":press N")?;

    // Ctrl+D at the start of a line is end of input: the sandbox stops the app and exits.
    session.send_control('d')?;
    session.exp_eof()?;
    let status = session
        .process_mut()
        .wait()
        .expect("waiting for the sandbox");
    let status = format!("{status:?}");
    assert!(
        status.starts_with("Exited(") && status.ends_with(", 0)"),
        "the sandbox did not exit cleanly: {status}"
    );
    Ok(())
}
