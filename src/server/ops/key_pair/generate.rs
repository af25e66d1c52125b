//! Key pair generation for Create Key Pair and Re-key Key Pair: RSA (rsa
//! crate), ECDSA P-256/P-384 and Ed25519 (ring). RSA keys are held as PKCS#1
//! (the form the OASIS Asymmetric Key Lifecycle profile transcripts show:
//! Digest Key Format Type PKCS_1); EC and Ed25519 private keys as PKCS#8 and
//! their public keys as X.509 SubjectPublicKeyInfo (KMIP 1.2 §9.1.3.2.3).

use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair};
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};

use super::super::{OpContext, OpError};
use crate::kmip::{tags, CryptographicAlgorithm, KeyFormatType, RecommendedCurve, ResultReason};
use crate::server::keys::{self, Curve, PublicKey, SystemRng};
use crate::ttlv::{Item, Value};

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySpec {
    Rsa(usize),
    Ec(Curve),
    Ed25519,
}

/// A generated pair: the Private Key and Public Key object structures and
/// the (format, material) pairs their Digests are computed over.
pub struct GeneratedPair {
    pub private: Item,
    pub public: Item,
    pub private_digest: (KeyFormatType, Vec<u8>),
    pub public_digest: (KeyFormatType, Vec<u8>),
    pub length: i32,
}

/// RSA modulus sizes this server generates.
const RSA_BITS: [i32; 4] = [1024, 2048, 3072, 4096];

fn invalid_value(ctx: &OpContext<'_, '_>, message: String) -> OpError {
    OpError::new(
        ctx.by_version(
            ResultReason::INVALID_FIELD,
            ResultReason::INVALID_ATTRIBUTE_VALUE,
        ),
        message,
    )
}

/// Chooses the key type from Cryptographic Algorithm, Length and the
/// Recommended Curve of Cryptographic Domain Parameters (KMIP 1.2 §3.4,
/// §3.5, §3.7; for ECDSA the length is the bit length of Q, §4.2).
pub fn plan(
    ctx: &OpContext<'_, '_>,
    algorithm: CryptographicAlgorithm,
    length: Option<i32>,
    curve: Option<RecommendedCurve>,
) -> Result<KeySpec, OpError> {
    if !CryptographicAlgorithm::def().defined_in(algorithm.0, ctx.version) {
        return Err(invalid_value(
            ctx,
            format!(
                "Cryptographic Algorithm {algorithm:?} is not defined in KMIP {}",
                ctx.version
            ),
        ));
    }
    match algorithm {
        CryptographicAlgorithm::RSA => {
            let bits = length.ok_or_else(|| {
                invalid_value(ctx, "an RSA key pair needs a Cryptographic Length".into())
            })?;
            if !RSA_BITS.contains(&bits) {
                return Err(invalid_value(
                    ctx,
                    format!("RSA Cryptographic Length {bits}: this server generates {RSA_BITS:?}"),
                ));
            }
            Ok(KeySpec::Rsa(bits as usize))
        }
        CryptographicAlgorithm::ECDSA | CryptographicAlgorithm::EC => {
            let by_curve = match curve {
                None => None,
                Some(RecommendedCurve::P_256) => Some(Curve::P256),
                Some(RecommendedCurve::P_384) => Some(Curve::P384),
                Some(other) => {
                    return Err(invalid_value(
                        ctx,
                        format!("Recommended Curve {other:?} is not supported (P-256, P-384 are)"),
                    ))
                }
            };
            let by_length = match length {
                None => None,
                Some(256) => Some(Curve::P256),
                Some(384) => Some(Curve::P384),
                Some(bits) => {
                    return Err(invalid_value(
                        ctx,
                        format!("EC Cryptographic Length {bits}: this server generates 256 or 384"),
                    ))
                }
            };
            match (by_curve, by_length) {
                (Some(c), Some(l)) if c != l => Err(invalid_value(
                    ctx,
                    format!(
                        "Recommended Curve {c:?} contradicts Cryptographic Length {}",
                        l.bits()
                    ),
                )),
                (Some(c), _) | (None, Some(c)) => Ok(KeySpec::Ec(c)),
                (None, None) => Err(invalid_value(
                    ctx,
                    "an EC key pair needs a Cryptographic Length or a Recommended Curve".into(),
                )),
            }
        }
        CryptographicAlgorithm::ED25519 => match length {
            None | Some(256) => Ok(KeySpec::Ed25519),
            Some(bits) => Err(invalid_value(
                ctx,
                format!("Ed25519 keys are 256 bits, not {bits}"),
            )),
        },
        other => Err(invalid_value(
            ctx,
            format!(
                "Create Key Pair of {other:?} keys is not supported (RSA, ECDSA/EC, Ed25519 are)"
            ),
        )),
    }
}

/// A Private Key or Public Key object structure.
fn key_object(
    tag: crate::ttlv::Tag,
    format: KeyFormatType,
    material: &[u8],
    algorithm: CryptographicAlgorithm,
    length: i32,
) -> Item {
    Item::structure(
        tag,
        vec![Item::structure(
            tags::KEY_BLOCK,
            vec![
                Item::new(tags::KEY_FORMAT_TYPE, Value::Enumeration(format.0)),
                Item::structure(
                    tags::KEY_VALUE,
                    vec![Item::new(
                        tags::KEY_MATERIAL,
                        Value::ByteString(material.to_vec()),
                    )],
                ),
                Item::new(
                    tags::CRYPTOGRAPHIC_ALGORITHM,
                    Value::Enumeration(algorithm.0),
                ),
                Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(length)),
            ],
        )],
    )
}

fn failure(what: impl std::fmt::Display) -> OpError {
    OpError::new(
        ResultReason::CRYPTOGRAPHIC_FAILURE,
        format!("key pair generation failed: {what}"),
    )
}

/// Generates a key pair; `algorithm` is the Cryptographic Algorithm to record.
pub fn generate(
    spec: KeySpec,
    algorithm: CryptographicAlgorithm,
) -> Result<GeneratedPair, OpError> {
    let rng = ring::rand::SystemRandom::new();
    let (private_format, private_der, public_format, public_der, length) = match spec {
        KeySpec::Rsa(bits) => {
            let private = rsa::RsaPrivateKey::new(&mut SystemRng, bits).map_err(failure)?;
            let private_der = private.to_pkcs1_der().map_err(failure)?.as_bytes().to_vec();
            let public_der = private
                .to_public_key()
                .to_pkcs1_der()
                .map_err(failure)?
                .as_bytes()
                .to_vec();
            let pkcs1 = KeyFormatType::PKCS_1;
            (pkcs1, private_der, pkcs1, public_der, bits as i32)
        }
        KeySpec::Ec(curve) => {
            let signing = keys::ecdsa_signing(curve);
            let pkcs8 = EcdsaKeyPair::generate_pkcs8(signing, &rng).map_err(failure)?;
            let pair = EcdsaKeyPair::from_pkcs8(signing, pkcs8.as_ref(), &rng).map_err(failure)?;
            let spki = keys::spki_of(&PublicKey::Ecdsa {
                curve,
                point: pair.public_key().as_ref().to_vec(),
            })?;
            let private_der = pkcs8.as_ref().to_vec();
            let (p8, x509) = (KeyFormatType::PKCS_8, KeyFormatType::X_509);
            (p8, private_der, x509, spki, curve.bits())
        }
        KeySpec::Ed25519 => {
            let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(failure)?;
            let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(failure)?;
            let spki = keys::spki_of(&PublicKey::Ed25519 {
                point: pair.public_key().as_ref().to_vec(),
            })?;
            let private_der = pkcs8.as_ref().to_vec();
            let (p8, x509) = (KeyFormatType::PKCS_8, KeyFormatType::X_509);
            (p8, private_der, x509, spki, 256)
        }
    };
    Ok(GeneratedPair {
        private: key_object(
            tags::PRIVATE_KEY,
            private_format,
            &private_der,
            algorithm,
            length,
        ),
        public: key_object(
            tags::PUBLIC_KEY,
            public_format,
            &public_der,
            algorithm,
            length,
        ),
        private_digest: (private_format, private_der),
        public_digest: (public_format, public_der),
        length,
    })
}
