//! A local Telegram: a real MTProto server on loopback.
