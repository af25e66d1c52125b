//! Key material held in managed objects, in the forms the cryptographic
//! operations need (KMIP 1.2 §2.1.7 Key Value, §9.1.3.2.3 Key Format Type):
//! private keys as PKCS#1 (RSA), PKCS#8 (RSA, EC, Ed25519), SEC1 EC Private
//! Key or Transparent RSA Private Key; public keys as PKCS#1 (RSA), X.509
//! SubjectPublicKeyInfo, Transparent RSA or EC Public Key, or taken from an
//! X.509 Certificate object.
//! Every registered form is normalised here so Sign, Signature Verify,
//! Encrypt and Decrypt never care how the client supplied the key.

use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::der::asn1::{AnyRef, BitStringRef};
use rsa::pkcs8::der::Encode;
use rsa::pkcs8::spki::AlgorithmIdentifierRef;
use rsa::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePublicKey, ObjectIdentifier, PrivateKeyInfo,
    SubjectPublicKeyInfoRef,
};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};

mod convert;
mod sec1;

pub use convert::reformat;

use super::object::ManagedObject;
use super::ops::OpError;
use crate::kmip::{
    tags, CryptographicAlgorithm, KeyFormatType, ObjectType, RecommendedCurve, ResultReason,
};
use crate::ttlv::{Item, Tag, Value};

const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// The NIST curves this server signs and verifies with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
}

impl Curve {
    pub fn bits(self) -> i32 {
        match self {
            Curve::P256 => 256,
            Curve::P384 => 384,
        }
    }

    fn oid(self) -> ObjectIdentifier {
        match self {
            Curve::P256 => OID_P256,
            Curve::P384 => OID_P384,
        }
    }

    /// The KMIP Recommended Curve (KMIP 1.2 §9.1.3.2.5).
    pub fn recommended(self) -> RecommendedCurve {
        match self {
            Curve::P256 => RecommendedCurve::P_256,
            Curve::P384 => RecommendedCurve::P_384,
        }
    }
}

/// A private key ready for use.
pub enum PrivateKey {
    Rsa(Box<RsaPrivateKey>),
    /// PKCS#8 (as ring wants it) of an ECDSA key.
    Ecdsa {
        curve: Curve,
        pkcs8: Vec<u8>,
    },
    /// PKCS#8 of an Ed25519 key.
    Ed25519 {
        pkcs8: Vec<u8>,
    },
}

/// A public key ready for use.
pub enum PublicKey {
    Rsa(Box<RsaPublicKey>),
    /// The uncompressed EC point.
    Ecdsa {
        curve: Curve,
        point: Vec<u8>,
    },
    /// The 32-byte Ed25519 public key.
    Ed25519 {
        point: Vec<u8>,
    },
}

/// The Key Format Type and Key Material bytes of an object's Key Block.
pub fn key_block_bytes(object: &ManagedObject) -> Result<(KeyFormatType, &[u8]), OpError> {
    let block = key_block(object)?;
    let format = block_format(block);
    match block
        .child(tags::KEY_VALUE)
        .and_then(|v| v.child(tags::KEY_MATERIAL))
        .map(|m| &m.value)
    {
        Some(Value::ByteString(bytes)) => Ok((format, bytes)),
        _ => Err(OpError::new(
            ResultReason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            format!(
                "object {} holds {format:?} key material this server cannot use",
                object.uid
            ),
        )),
    }
}

fn key_block(object: &ManagedObject) -> Result<&Item, OpError> {
    object
        .material
        .as_ref()
        .and_then(|m| m.child(tags::KEY_BLOCK))
        .ok_or_else(|| {
            OpError::new(
                ResultReason::KEY_VALUE_NOT_PRESENT,
                format!("object {} has no Key Block", object.uid),
            )
        })
}

fn block_format(block: &Item) -> KeyFormatType {
    match block.child(tags::KEY_FORMAT_TYPE).map(|f| &f.value) {
        Some(Value::Enumeration(f)) => KeyFormatType(*f),
        _ => KeyFormatType::RAW,
    }
}

/// A Public Key object's SubjectPublicKeyInfo (DER): X.509 as held, PKCS#1
/// RSA public keys wrapped.
pub fn public_key_spki(object: &ManagedObject) -> Result<Vec<u8>, OpError> {
    if object.object_type != ObjectType::PUBLIC_KEY {
        return Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!(
                "object {} is a {:?}, not a Public Key",
                object.uid, object.object_type
            ),
        ));
    }
    if let Ok((KeyFormatType::X_509, bytes)) = key_block_bytes(object) {
        return Ok(bytes.to_vec());
    }
    spki_of(&public_key(object)?)
}

fn unusable(object: &ManagedObject, what: impl std::fmt::Display) -> OpError {
    OpError::new(
        ResultReason::INVALID_FIELD,
        format!("object {}: {what}", object.uid),
    )
}

/// Reads a positive BigInteger field of a Transparent key structure.
fn big_field(material: &Item, tag: Tag) -> Option<BigUint> {
    match material.child(tag).map(|f| &f.value) {
        Some(Value::BigInteger(bytes)) => Some(BigUint::from_bytes_be(bytes)),
        _ => None,
    }
}

/// The private key an object holds, whatever form it was registered in.
pub fn private_key(object: &ManagedObject) -> Result<PrivateKey, OpError> {
    if object.object_type != ObjectType::PRIVATE_KEY {
        return Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!(
                "object {} is a {:?}, not a Private Key",
                object.uid, object.object_type
            ),
        ));
    }
    let block = key_block(object)?;
    let format = block_format(block);
    if format == KeyFormatType::TRANSPARENT_RSA_PRIVATE_KEY {
        let material = block
            .child(tags::KEY_VALUE)
            .and_then(|v| v.child(tags::KEY_MATERIAL))
            .ok_or_else(|| unusable(object, "Transparent RSA Private Key without Key Material"))?;
        let field = |tag| {
            big_field(material, tag)
                .ok_or_else(|| unusable(object, format!("Transparent RSA Private Key lacks {tag}")))
        };
        let key = RsaPrivateKey::from_components(
            field(tags::MODULUS)?,
            field(tags::PUBLIC_EXPONENT)?,
            field(tags::PRIVATE_EXPONENT)?,
            vec![field(tags::P)?, field(tags::Q)?],
        )
        .map_err(|e| unusable(object, format!("inconsistent RSA key: {e}")))?;
        return Ok(PrivateKey::Rsa(Box::new(key)));
    }
    let (format, bytes) = key_block_bytes(object)?;
    match format {
        KeyFormatType::PKCS_1 => RsaPrivateKey::from_pkcs1_der(bytes)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| unusable(object, format!("PKCS#1 private key does not parse: {e}"))),
        KeyFormatType::PKCS_8 => pkcs8_private_key(bytes)
            .map_err(|e| unusable(object, format!("PKCS#8 private key: {e}"))),
        KeyFormatType::EC_PRIVATE_KEY => sec1::to_pkcs8(bytes)
            .and_then(|(_, pkcs8)| pkcs8_private_key(&pkcs8))
            .map_err(|e| unusable(object, format!("EC Private Key (SEC1): {e}"))),
        other => Err(OpError::new(
            ResultReason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            format!(
                "object {}: private keys held as {other:?} are not supported",
                object.uid
            ),
        )),
    }
}

fn pkcs8_private_key(bytes: &[u8]) -> Result<PrivateKey, String> {
    let info = PrivateKeyInfo::try_from(bytes).map_err(|e| format!("does not parse: {e}"))?;
    let algorithm = info.algorithm.oid;
    if algorithm == OID_RSA {
        return RsaPrivateKey::from_pkcs8_der(bytes)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| format!("RSA key does not parse: {e}"));
    }
    if algorithm == OID_ED25519 {
        ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(bytes)
            .map_err(|e| format!("Ed25519 key rejected: {e}"))?;
        return Ok(PrivateKey::Ed25519 {
            pkcs8: bytes.to_vec(),
        });
    }
    if algorithm == OID_EC_PUBLIC_KEY {
        let curve = curve_of(info.algorithm.parameters_oid().ok())?;
        let rng = ring::rand::SystemRandom::new();
        ring::signature::EcdsaKeyPair::from_pkcs8(ecdsa_signing(curve), bytes, &rng)
            .map_err(|e| format!("EC key rejected: {e}"))?;
        return Ok(PrivateKey::Ecdsa {
            curve,
            pkcs8: bytes.to_vec(),
        });
    }
    Err(format!("algorithm {algorithm} is not supported"))
}

fn curve_of(oid: Option<ObjectIdentifier>) -> Result<Curve, String> {
    match oid {
        Some(o) if o == OID_P256 => Ok(Curve::P256),
        Some(o) if o == OID_P384 => Ok(Curve::P384),
        Some(o) => Err(format!("curve {o} is not supported (P-256, P-384 are)")),
        None => Err("EC key without a named curve".into()),
    }
}

/// The ring signing algorithm for a curve (the curve's own hash, DER signatures).
pub fn ecdsa_signing(curve: Curve) -> &'static ring::signature::EcdsaSigningAlgorithm {
    match curve {
        Curve::P256 => &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        Curve::P384 => &ring::signature::ECDSA_P384_SHA384_ASN1_SIGNING,
    }
}

/// The public key an object holds: a Public Key in any supported form, or
/// the subject key of an X.509 Certificate.
pub fn public_key(object: &ManagedObject) -> Result<PublicKey, OpError> {
    if object.object_type == ObjectType::CERTIFICATE {
        return certificate_public_key(object);
    }
    if object.object_type != ObjectType::PUBLIC_KEY {
        return Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!(
                "object {} is a {:?}, not a Public Key or Certificate",
                object.uid, object.object_type
            ),
        ));
    }
    let block = key_block(object)?;
    let format = block_format(block);
    if [
        KeyFormatType::TRANSPARENT_EC_PUBLIC_KEY,
        KeyFormatType::TRANSPARENT_ECDSA_PUBLIC_KEY,
    ]
    .contains(&format)
    {
        return transparent_ec_public_key(object, block);
    }
    if format == KeyFormatType::TRANSPARENT_RSA_PUBLIC_KEY {
        let material = block
            .child(tags::KEY_VALUE)
            .and_then(|v| v.child(tags::KEY_MATERIAL))
            .ok_or_else(|| unusable(object, "Transparent RSA Public Key without Key Material"))?;
        let field = |tag| {
            big_field(material, tag)
                .ok_or_else(|| unusable(object, format!("Transparent RSA Public Key lacks {tag}")))
        };
        let key = RsaPublicKey::new(field(tags::MODULUS)?, field(tags::PUBLIC_EXPONENT)?)
            .map_err(|e| unusable(object, format!("invalid RSA public key: {e}")))?;
        return Ok(PublicKey::Rsa(Box::new(key)));
    }
    let (format, bytes) = key_block_bytes(object)?;
    match format {
        KeyFormatType::PKCS_1 => RsaPublicKey::from_pkcs1_der(bytes)
            .map(|k| PublicKey::Rsa(Box::new(k)))
            .map_err(|e| unusable(object, format!("PKCS#1 public key does not parse: {e}"))),
        KeyFormatType::X_509 => {
            spki_public_key(bytes).map_err(|e| unusable(object, format!("X.509 public key: {e}")))
        }
        other => Err(OpError::new(
            ResultReason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            format!(
                "object {}: public keys held as {other:?} are not supported",
                object.uid
            ),
        )),
    }
}

/// A Transparent EC (or ECDSA) Public Key: Recommended Curve and Q String.
fn transparent_ec_public_key(object: &ManagedObject, block: &Item) -> Result<PublicKey, OpError> {
    let material = block
        .child(tags::KEY_VALUE)
        .and_then(|v| v.child(tags::KEY_MATERIAL))
        .ok_or_else(|| unusable(object, "Transparent EC Public Key without Key Material"))?;
    let curve = match material.child(tags::RECOMMENDED_CURVE).map(|c| &c.value) {
        Some(Value::Enumeration(c)) if *c == RecommendedCurve::P_256.0 => Curve::P256,
        Some(Value::Enumeration(c)) if *c == RecommendedCurve::P_384.0 => Curve::P384,
        other => {
            return Err(unusable(
                object,
                format!("Recommended Curve {other:?} is not supported (P-256, P-384 are)"),
            ))
        }
    };
    match material.child(tags::Q_STRING).map(|q| &q.value) {
        Some(Value::ByteString(point)) => Ok(PublicKey::Ecdsa {
            curve,
            point: point.clone(),
        }),
        _ => Err(unusable(
            object,
            "Transparent EC Public Key without a Q String",
        )),
    }
}

fn certificate_public_key(object: &ManagedObject) -> Result<PublicKey, OpError> {
    use x509_parser::prelude::FromDer;
    let der = match object
        .material
        .as_ref()
        .and_then(|m| m.child(tags::CERTIFICATE_VALUE))
        .map(|v| &v.value)
    {
        Some(Value::ByteString(der)) => der,
        _ => {
            return Err(OpError::new(
                ResultReason::KEY_VALUE_NOT_PRESENT,
                format!("certificate {} has no Certificate Value", object.uid),
            ))
        }
    };
    let (_, certificate) = x509_parser::certificate::X509Certificate::from_der(der)
        .map_err(|e| unusable(object, format!("certificate does not parse: {e}")))?;
    spki_public_key(certificate.public_key().raw)
        .map_err(|e| unusable(object, format!("certificate key: {e}")))
}

/// Reads a SubjectPublicKeyInfo (DER).
pub fn spki_public_key(der: &[u8]) -> Result<PublicKey, String> {
    let info =
        SubjectPublicKeyInfoRef::try_from(der).map_err(|e| format!("does not parse: {e}"))?;
    let algorithm = info.algorithm.oid;
    let point = info.subject_public_key.raw_bytes().to_vec();
    if algorithm == OID_RSA {
        return RsaPublicKey::from_public_key_der(der)
            .map(|k| PublicKey::Rsa(Box::new(k)))
            .map_err(|e| format!("RSA key does not parse: {e}"));
    }
    if algorithm == OID_ED25519 {
        if point.len() != 32 {
            return Err("an Ed25519 public key is 32 bytes".into());
        }
        return Ok(PublicKey::Ed25519 { point });
    }
    if algorithm == OID_EC_PUBLIC_KEY {
        let curve = curve_of(info.algorithm.parameters_oid().ok())?;
        return Ok(PublicKey::Ecdsa { curve, point });
    }
    Err(format!("algorithm {algorithm} is not supported"))
}

/// The SubjectPublicKeyInfo (DER) of a public key.
pub fn spki_of(key: &PublicKey) -> Result<Vec<u8>, OpError> {
    let failed = |e: String| OpError::new(ResultReason::CRYPTOGRAPHIC_FAILURE, e);
    match key {
        PublicKey::Rsa(rsa) => rsa
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .map_err(|e| failed(format!("encoding an RSA public key: {e}"))),
        PublicKey::Ecdsa { curve, point } => {
            let curve_oid = curve.oid();
            encode_spki(OID_EC_PUBLIC_KEY, Some(AnyRef::from(&curve_oid)), point).map_err(failed)
        }
        PublicKey::Ed25519 { point } => encode_spki(OID_ED25519, None, point).map_err(failed),
    }
}

fn encode_spki(
    oid: ObjectIdentifier,
    parameters: Option<AnyRef<'_>>,
    point: &[u8],
) -> Result<Vec<u8>, String> {
    let info = SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef { oid, parameters },
        subject_public_key: BitStringRef::from_bytes(point).map_err(|e| e.to_string())?,
    };
    info.to_der()
        .map_err(|e| format!("encoding a public key: {e}"))
}

/// The public half of a private key.
pub fn public_of(key: &PrivateKey) -> Result<PublicKey, OpError> {
    use ring::signature::KeyPair;
    let failed = |e: String| OpError::new(ResultReason::CRYPTOGRAPHIC_FAILURE, e);
    match key {
        PrivateKey::Rsa(rsa) => Ok(PublicKey::Rsa(Box::new(rsa.to_public_key()))),
        PrivateKey::Ecdsa { curve, pkcs8 } => {
            let rng = ring::rand::SystemRandom::new();
            let pair =
                ring::signature::EcdsaKeyPair::from_pkcs8(ecdsa_signing(*curve), pkcs8, &rng)
                    .map_err(|e| failed(format!("EC key rejected: {e}")))?;
            Ok(PublicKey::Ecdsa {
                curve: *curve,
                point: pair.public_key().as_ref().to_vec(),
            })
        }
        PrivateKey::Ed25519 { pkcs8 } => {
            let pair = ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8)
                .map_err(|e| failed(format!("Ed25519 key rejected: {e}")))?;
            Ok(PublicKey::Ed25519 {
                point: pair.public_key().as_ref().to_vec(),
            })
        }
    }
}

/// The Cryptographic Algorithm and Length that describe a key.
pub fn algorithm_and_length(key: &PublicKey) -> (CryptographicAlgorithm, i32) {
    match key {
        PublicKey::Rsa(rsa) => (CryptographicAlgorithm::RSA, rsa.size() as i32 * 8),
        PublicKey::Ecdsa { curve, .. } => (CryptographicAlgorithm::ECDSA, curve.bits()),
        PublicKey::Ed25519 { .. } => (CryptographicAlgorithm::ED25519, 256),
    }
}

/// The operating system's random number generator (through ring), in the
/// form the `rsa` crate wants for key generation, PSS salts and OAEP seeds.
pub struct SystemRng;

impl rsa::rand_core::RngCore for SystemRng {
    fn next_u32(&mut self) -> u32 {
        let mut bytes = [0u8; 4];
        self.fill_bytes(&mut bytes);
        u32::from_le_bytes(bytes)
    }

    fn next_u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        self.fill_bytes(&mut bytes);
        u64::from_le_bytes(bytes)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        // The OS generator does not fail once the process is running; a
        // failure here would leave zeros, so it is treated as fatal below.
        if self.try_fill_bytes(dest).is_err() {
            panic!("the operating system random number generator failed");
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        use ring::rand::SecureRandom;
        ring::rand::SystemRandom::new().fill(dest).map_err(|_| {
            rsa::rand_core::Error::from(
                std::num::NonZeroU32::new(rsa::rand_core::Error::CUSTOM_START)
                    .unwrap_or(std::num::NonZeroU32::MIN),
            )
        })
    }
}

impl rsa::rand_core::CryptoRng for SystemRng {}
