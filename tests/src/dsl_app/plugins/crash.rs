//! A handler that panics and one that returns an error.

use oxygram::prelude::*;

async fn boom(_msg: Message) -> Result<()> {
    panic!("boom on purpose");
}
register!(boom: NewMessage, oxygram::handler::Trigger::Commands(&["boom"]),
    group = 0, filter = Filter::always(), description = None, outgoing = false;
    (Message));

async fn fail(_msg: Message) -> Result<()> {
    Err("the database is down".into())
}
register!(fail: NewMessage, oxygram::handler::Trigger::Commands(&["fail"]),
    group = 0, filter = Filter::always(), description = None, outgoing = false;
    (Message));
