//! The annotated function stays an ordinary `async fn`: callable and unit-testable.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use oxygram::handler;
use oxygram::prelude::*;

#[handler(command = "shout")]
pub async fn shout(Text(text): Text) -> Result<()> {
    if text.is_empty() {
        return Err("nothing to shout".into());
    }
    Ok(())
}

fn run<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the handler awaited nothing, it cannot be pending"),
    }
}

fn main() {
    assert!(run(shout(Text("hello".into()))).is_ok());
    let error = run(shout(Text(String::new()))).unwrap_err();
    assert_eq!(error.to_string(), "nothing to shout");
}
