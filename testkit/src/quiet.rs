//! Quiet markers: how a test learns that an app has taken in everything the kit pushed to it.
//!
//! [`TestKit::push_quiet_marker`](crate::TestKit::push_quiet_marker) queues a marker on every
//! connection of the app's account, behind everything already queued there (pushes and
//! answers go out in order on a connection). The app recognises it with [`round_of`] when it
//! comes out of its update stream: at that moment its client has read, and its update stream
//! has processed, everything the kit sent before the marker. `oxygram::testing` builds "nothing
//! more happened" on it.
//!
//! The marker is an `updateShort` holding a status of user 0 (an id no account has); an app
//! must drop it rather than handle it.

use grammers_tl_types as tl;

/// The marker of round `round`, as pushed (an `updateShort`).
pub fn marker(round: u32) -> tl::enums::Updates {
    crate::tl_build::quiet_marker(round)
}

/// The round of a quiet marker update, `None` for every other update.
///
/// ```
/// use oxygram_testkit::quiet;
///
/// let grammers_tl_types::enums::Updates::UpdateShort(short) = quiet::marker(7) else {
///     unreachable!()
/// };
/// assert_eq!(quiet::round_of(&short.update), Some(7));
/// ```
pub fn round_of(update: &tl::enums::Update) -> Option<u32> {
    crate::tl_build::quiet_marker_round(update)
}
