//! The runner's side of the wire. For now: a KMIP client connection (TLS or
//! plain TCP) with framing and limits, used by `kmip-conform bench`; suite
//! execution joins it here.

pub mod connection;
