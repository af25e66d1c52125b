//! Renderings of a TTLV tree: hex, a human tree view, and the KMIP XML and
//! JSON encodings of the Additional Message Encodings spec (v1.0 §4 and §6),
//! both directions.

pub mod datetime;
pub mod hex;
pub mod json;
pub mod tree;
mod values;
pub mod xml;

pub use values::ReadError;
