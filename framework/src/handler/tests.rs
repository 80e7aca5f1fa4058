use super::*;

#[derive(Debug, thiserror::Error)]
#[error("the database is down")]
struct DatabaseDown;

#[test]
fn returned_errors_keep_their_type() {
    let failed = Outcome::failed(DatabaseDown);
    let Outcome::Failed(error) = failed else {
        panic!("an error is a failure");
    };
    assert!(error.downcast_ref::<DatabaseDown>().is_some());
    assert!(error.downcast_ref::<std::io::Error>().is_none());
    assert_eq!(error.to_string(), "returned an error: the database is down");
    let source = std::error::Error::source(&error).expect("the returned error is the source");
    assert_eq!(source.to_string(), "the database is down");
    let text = Outcome::failed("plain text");
    assert!(
        matches!(text, Outcome::Failed(HandlerError::Returned(e)) if e.to_string() == "plain text")
    );
}

#[test]
fn telegram_limits_in_returned_errors_stay_typed() {
    use grammers_mtsender::{InvocationError, RpcError};
    let rpc = |code, name: &str, value| {
        let error: BoxError = Box::new(InvocationError::Rpc(RpcError {
            code,
            name: name.into(),
            value,
            caused_by: None,
        }));
        HandlerError::from_returned(error)
    };
    let flooded = rpc(400, "PEER_FLOOD", None);
    assert!(matches!(flooded, HandlerError::PeerFlooded { .. }));
    assert!(flooded.peer_flood().is_some() && flooded.flood_wait().is_none());
    assert!(flooded.to_string().contains("PEER_FLOOD"), "{flooded}");
    assert!(flooded.downcast_ref::<InvocationError>().is_some());
    let slow = rpc(420, "SLOWMODE_WAIT", Some(30));
    assert!(slow.flood_wait().unwrap().is_slow_mode());
    assert!(slow.peer_flood().is_none());
    assert!(matches!(
        rpc(400, "MESSAGE_EMPTY", None),
        HandlerError::Returned(_)
    ));
}

#[test]
fn answers_are_known_at_compile_time() {
    const {
        assert!(<&'static str as IntoOutcome>::ANSWERS);
        assert!(<Result<Option<String>, std::io::Error> as IntoOutcome>::ANSWERS);
        assert!(!<Result<(), BoxError> as IntoOutcome>::ANSWERS);
        assert!(!<Propagation as IntoOutcome>::ANSWERS);
    }
    assert!(outcome::answerable(Kind::CallbackQuery));
    assert!(!outcome::answerable(Kind::InlineQuery));
}

#[test]
fn triggers_display_for_the_startup_table() {
    assert_eq!(
        Trigger::Commands(&["start", "help"]).to_string(),
        "/start /help"
    );
    assert_eq!(
        Trigger::Callback("vote:*").to_string(),
        "callback \"vote:*\""
    );
    assert_eq!(Trigger::None.to_string(), "-");
}
