//! Encryption and decryption with public and private keys (RSA OAEP and
//! PKCS#1 v1.5), called by [`super::crypto`] when the key is asymmetric.

use super::OpError;
use crate::kmip::ResultReason;
use crate::server::object::ManagedObject;
use crate::ttlv::Item;

/// Encrypts `data` with a Public Key object under the request's Cryptographic Parameters.
pub fn encrypt(
    object: &ManagedObject,
    _parameters: Option<&Item>,
    _data: &[u8],
) -> Result<Vec<u8>, OpError> {
    Err(OpError::new(
        ResultReason::OPERATION_NOT_SUPPORTED,
        format!(
            "asymmetric encryption with {} is not implemented yet",
            object.uid
        ),
    ))
}

/// Decrypts `data` with a Private Key object under the request's Cryptographic Parameters.
pub fn decrypt(
    object: &ManagedObject,
    _parameters: Option<&Item>,
    _data: &[u8],
) -> Result<Vec<u8>, OpError> {
    Err(OpError::new(
        ResultReason::OPERATION_NOT_SUPPORTED,
        format!(
            "asymmetric decryption with {} is not implemented yet",
            object.uid
        ),
    ))
}
