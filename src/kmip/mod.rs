//! The KMIP layer: the dictionary generated from the OASIS tables, protocol
//! versions, and the [`Names`](crate::ttlv::Names) implementation that lets the
//! codec's renderings speak KMIP.

pub mod camel;
pub mod dictionary;
pub mod errors;
pub mod gating;
pub mod message;
#[rustfmt::skip]
mod generated;
mod names;
mod pkcs11;
pub mod version;

pub use generated::*;
pub use names::KmipNames;
pub use version::{Lifetime, Version};
