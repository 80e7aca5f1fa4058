//! The MTProto wire, seen from the server: framing, message crypto and the service layer.
//!
//! Clients never run a key exchange against the testkit (it would need Telegram's private RSA
//! keys), so everything here starts from an auth key the server already knows. The layers are
//! kept apart the way the protocol layers them: [`framing`] cuts the TCP byte stream into
//! packets, [`crypto`] turns packets into plaintext messages and back, and [`mtp`] understands
//! the service messages (containers, gzip, acks, pings) that wrap the actual RPCs;
//! [`sessions`] and [`salts`] are what the server keeps between messages: which sessions
//! exist and which server salt each auth key must use.

pub mod crypto;
pub mod framing;
pub mod mtp;
pub mod salts;
pub mod sessions;
