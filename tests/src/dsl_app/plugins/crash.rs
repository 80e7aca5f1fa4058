//! A handler that panics and one that returns an error.

use oxygram::prelude::*;

#[handler(command = "boom")]
async fn boom(_msg: Message) -> Result<()> {
    panic!("boom on purpose");
}

#[handler(command = "fail")]
async fn fail(_msg: Message) -> Result<()> {
    Err("the database is down".into())
}
