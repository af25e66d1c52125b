//! Sign and Signature Verify (KMIP 1.2 §4.31–4.32, 2.1 §6.1.55–6.1.56):
//! RSA PKCS#1 v1.5 and PSS with SHA-1/SHA-2 (rsa crate), ECDSA on P-256 and
//! P-384 with DER (X9.62 `Ecdsa-Sig-Value`) signatures, and Ed25519 (ring).
//! The scheme comes from the request's Cryptographic Parameters or the key's
//! attribute: a Digital Signature Algorithm, or a Padding Method and Hashing
//! Algorithm. Data may be given pre-hashed as Digested Data (1.3+) for RSA.

use ring::signature::{self as ring_sig, UnparsedPublicKey};
use rsa::{Pkcs1v15Sign, Pss};
use sha2::Digest;

use super::asymmetric::{
    bad_parameters, parameters, require_type, unsupported_parameters, use_key, with_hash,
    Parameters,
};
use super::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::{
    tags, CryptographicAlgorithm, CryptographicUsageMask, DigitalSignatureAlgorithm as Dsa,
    HashingAlgorithm, ObjectType, PaddingMethod, ResultReason, ValidityIndicator,
};
use crate::server::keys::{self, Curve, PrivateKey, PublicKey, SystemRng};
use crate::server::usage::Purpose;
use crate::ttlv::{Item, Tag, Value};

/// A signature scheme fully resolved for one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scheme {
    RsaPkcs1(HashingAlgorithm),
    RsaPss(HashingAlgorithm, Option<usize>),
    Ecdsa(HashingAlgorithm),
    Ed25519,
}

/// What kind of key is in use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyKind {
    Rsa,
    Ec(Curve),
    Ed25519,
}

fn kind_of(key: &PublicKey) -> KeyKind {
    match key {
        PublicKey::Rsa(_) => KeyKind::Rsa,
        PublicKey::Ecdsa { curve, .. } => KeyKind::Ec(*curve),
        PublicKey::Ed25519 { .. } => KeyKind::Ed25519,
    }
}

/// The DER DigestInfo prefix of SHA-1 (RFC 8017 §9.2 note 1), for PKCS#1 v1.5.
const SHA1_DIGEST_INFO: [u8; 15] = [
    0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14,
];

/// Resolves the scheme from the parameters for a key of `kind`.
fn scheme(ctx: &OpContext<'_, '_>, kind: KeyKind, p: &Parameters) -> Result<Scheme, OpError> {
    let resolved = resolve_scheme(ctx, kind, p)?;
    // PSS here uses MGF1 with the signature's own hash (as the OASIS CS-AC
    // transcripts' signatures do); another MGF1 hash is not implemented.
    if let (Scheme::RsaPss(hash, _), Some(mgf)) = (resolved, p.mask_generator_hash) {
        if mgf != hash {
            return Err(unsupported_parameters(
                ctx,
                format!("PSS with MGF1 {mgf:?} and message hash {hash:?} is not supported; use the same hash"),
            ));
        }
    }
    Ok(resolved)
}

fn resolve_scheme(
    ctx: &OpContext<'_, '_>,
    kind: KeyKind,
    p: &Parameters,
) -> Result<Scheme, OpError> {
    let key_algorithms: &[CryptographicAlgorithm] = match kind {
        KeyKind::Rsa => &[CryptographicAlgorithm::RSA],
        KeyKind::Ec(_) => &[CryptographicAlgorithm::ECDSA, CryptographicAlgorithm::EC],
        KeyKind::Ed25519 => &[CryptographicAlgorithm::ED25519],
    };
    if let Some(algorithm) = p.algorithm.filter(|a| !key_algorithms.contains(a)) {
        return Err(bad_parameters(
            ctx,
            format!("Cryptographic Algorithm {algorithm:?} does not match this {kind:?} key"),
        ));
    }
    let salt = match p.salt_length {
        // No RSA key this server holds (at most 4096 bits) fits a longer salt.
        Some(s) if !(0..=512).contains(&s) => {
            return Err(bad_parameters(
                ctx,
                format!("Salt Length {s} is outside 0..=512 bytes"),
            ));
        }
        other => other.map(|s| s as usize),
    };
    if let Some(dsa) = p.signature {
        let rsa_hash = match dsa {
            Dsa::SHA_1_WITH_RSA_ENCRYPTION => Some(HashingAlgorithm::SHA_1),
            Dsa::SHA_224_WITH_RSA_ENCRYPTION => Some(HashingAlgorithm::SHA_224),
            Dsa::SHA_256_WITH_RSA_ENCRYPTION => Some(HashingAlgorithm::SHA_256),
            Dsa::SHA_384_WITH_RSA_ENCRYPTION => Some(HashingAlgorithm::SHA_384),
            Dsa::SHA_512_WITH_RSA_ENCRYPTION => Some(HashingAlgorithm::SHA_512),
            _ => None,
        };
        let ec_hash = match dsa {
            Dsa::ECDSA_WITH_SHA256 => Some(HashingAlgorithm::SHA_256),
            Dsa::ECDSA_WITH_SHA384 => Some(HashingAlgorithm::SHA_384),
            Dsa::ECDSA_WITH_SHA_1 | Dsa::ECDSA_WITH_SHA224 | Dsa::ECDSA_WITH_SHA512 => {
                return Err(unsupported_parameters(
                    ctx,
                    format!("{dsa:?} is not supported (ECDSA with SHA-256 or SHA-384 is)"),
                ))
            }
            _ => None,
        };
        return match (kind, rsa_hash, ec_hash, dsa) {
            (KeyKind::Rsa, Some(hash), _, _) => Ok(Scheme::RsaPkcs1(hash)),
            (KeyKind::Rsa, _, _, Dsa::RSASSA_PSS) => Ok(Scheme::RsaPss(
                p.hash.unwrap_or(HashingAlgorithm::SHA_256),
                salt,
            )),
            (KeyKind::Ec(_), _, Some(hash), _) => Ok(Scheme::Ecdsa(hash)),
            _ => Err(bad_parameters(
                ctx,
                format!(
                    "Digital Signature Algorithm {dsa:?} cannot be used with this {kind:?} key"
                ),
            )),
        };
    }
    match kind {
        KeyKind::Ed25519 => Ok(Scheme::Ed25519),
        KeyKind::Ec(curve) => Ok(Scheme::Ecdsa(p.hash.unwrap_or(match curve {
            Curve::P256 => HashingAlgorithm::SHA_256,
            Curve::P384 => HashingAlgorithm::SHA_384,
        }))),
        KeyKind::Rsa => {
            let hash = p.hash.ok_or_else(|| {
                bad_parameters(
                    ctx,
                    "RSA signatures need a Hashing Algorithm or a Digital Signature Algorithm in the request's or the key's Cryptographic Parameters",
                )
            })?;
            match p.padding {
                Some(PaddingMethod::PSS) => Ok(Scheme::RsaPss(hash, salt)),
                Some(PaddingMethod::PKCS1_V1_5) | None => Ok(Scheme::RsaPkcs1(hash)),
                Some(other) => Err(bad_parameters(
                    ctx,
                    format!(
                        "Padding Method {other:?} is not a signature padding (PSS, PKCS1 v1.5 are)"
                    ),
                )),
            }
        }
    }
}

/// The message to sign: Data, or Digested Data (already hashed; RSA only).
enum Message<'a> {
    Data(&'a [u8]),
    Digest(&'a [u8]),
}

fn bytes_field(payload: &Item, tag: Tag) -> Result<Option<&[u8]>, OpError> {
    match payload.child(tag).map(|d| &d.value) {
        None => Ok(None),
        Some(Value::ByteString(bytes)) => Ok(Some(bytes)),
        Some(other) => Err(OpError::new(
            ResultReason::INVALID_MESSAGE,
            format!(
                "{} must be a Byte String, not {}",
                crate::server::attributes::name_of(&crate::server::object::AttrKey::Tag(tag)),
                other.item_type()
            ),
        )),
    }
}

/// The message of a request; multi-part (streaming) requests are refused.
fn message<'a>(payload: &'a Item, operation: &str) -> Result<Message<'a>, OpError> {
    let flag = |tag| {
        matches!(
            payload.child(tag).map(|f| &f.value),
            Some(Value::Boolean(true))
        )
    };
    let one_shot = flag(tags::INIT_INDICATOR) == flag(tags::FINAL_INDICATOR);
    if payload.child(tags::CORRELATION_VALUE).is_some() || !one_shot {
        return Err(OpError::new(
            ResultReason::FEATURE_NOT_SUPPORTED,
            format!("multi-part (streaming) {operation} is not supported; send the whole message at once"),
        ));
    }
    match (
        bytes_field(payload, tags::DATA)?,
        bytes_field(payload, tags::DIGESTED_DATA)?,
    ) {
        (Some(data), None) => Ok(Message::Data(data)),
        (None, Some(digest)) => Ok(Message::Digest(digest)),
        (Some(_), Some(_)) => Err(OpError::new(
            ResultReason::INVALID_MESSAGE,
            format!("{operation} takes Data or Digested Data, not both"),
        )),
        (None, None) => Err(OpError::new(
            ResultReason::INVALID_MESSAGE,
            format!("{operation} needs the Data to work on"),
        )),
    }
}

impl Message<'_> {
    fn len(&self) -> usize {
        match self {
            Message::Data(d) | Message::Digest(d) => d.len(),
        }
    }

    /// The hash of the message under `hash` (Digested Data as given).
    fn hashed(&self, ctx: &OpContext<'_, '_>, hash: HashingAlgorithm) -> Result<Vec<u8>, OpError> {
        match self {
            Message::Digest(d) => Ok(d.to_vec()),
            Message::Data(d) => with_hash!(hash, H => H::digest(d).to_vec()).ok_or_else(|| {
                unsupported_parameters(ctx, format!("Hashing Algorithm {hash:?} is not supported"))
            }),
        }
    }
}

/// The PKCS#1 v1.5 signature padding for `hash`.
fn pkcs1_padding(ctx: &OpContext<'_, '_>, hash: HashingAlgorithm) -> Result<Pkcs1v15Sign, OpError> {
    let padding = match hash {
        HashingAlgorithm::SHA_1 => Some(Pkcs1v15Sign {
            hash_len: Some(20),
            prefix: SHA1_DIGEST_INFO.to_vec().into_boxed_slice(),
        }),
        HashingAlgorithm::SHA_224 => Some(Pkcs1v15Sign::new::<sha2::Sha224>()),
        HashingAlgorithm::SHA_256 => Some(Pkcs1v15Sign::new::<sha2::Sha256>()),
        HashingAlgorithm::SHA_384 => Some(Pkcs1v15Sign::new::<sha2::Sha384>()),
        HashingAlgorithm::SHA_512 => Some(Pkcs1v15Sign::new::<sha2::Sha512>()),
        _ => None,
    };
    padding.ok_or_else(|| {
        unsupported_parameters(
            ctx,
            format!("PKCS#1 v1.5 signatures with {hash:?} are not supported"),
        )
    })
}

/// The PSS padding for `hash` (salt as long as the hash unless given).
fn pss_padding(
    ctx: &OpContext<'_, '_>,
    hash: HashingAlgorithm,
    salt: Option<usize>,
) -> Result<Pss, OpError> {
    with_hash!(hash, H => match salt {
        Some(len) => Pss::new_with_salt::<H>(len),
        None => Pss::new::<H>(),
    })
    .ok_or_else(|| unsupported_parameters(ctx, format!("PSS with {hash:?} is not supported")))
}

/// Salt lengths to try when the parameters name none (KMIP 2.1 §3.6 says the
/// hash length; signers also use the maximum, as the CS-AC-M-2 signature does,
/// and no salt at all).
fn pss_salt_candidates(key: &rsa::RsaPublicKey, hash_len: usize) -> Vec<usize> {
    let modulus_bits = rsa::traits::PublicKeyParts::n(key).bits();
    let encoded_len = (modulus_bits.saturating_sub(1)).div_ceil(8);
    let maximum = encoded_len.saturating_sub(hash_len + 2);
    let mut candidates = vec![hash_len, maximum, 0];
    candidates.dedup();
    candidates
}

fn ecdsa_verification(
    curve: Curve,
    hash: HashingAlgorithm,
) -> Option<&'static ring_sig::EcdsaVerificationAlgorithm> {
    match (curve, hash) {
        (Curve::P256, HashingAlgorithm::SHA_256) => Some(&ring_sig::ECDSA_P256_SHA256_ASN1),
        (Curve::P256, HashingAlgorithm::SHA_384) => Some(&ring_sig::ECDSA_P256_SHA384_ASN1),
        (Curve::P384, HashingAlgorithm::SHA_256) => Some(&ring_sig::ECDSA_P384_SHA256_ASN1),
        (Curve::P384, HashingAlgorithm::SHA_384) => Some(&ring_sig::ECDSA_P384_SHA384_ASN1),
        _ => None,
    }
}

fn only_rsa_digests(ctx: &OpContext<'_, '_>, message: &Message<'_>) -> Result<(), OpError> {
    if matches!(message, Message::Digest(_)) {
        return Err(unsupported_parameters(
            ctx,
            "Digested Data is supported for RSA keys only; send the Data",
        ));
    }
    Ok(())
}

fn failed(what: impl std::fmt::Display) -> OpError {
    OpError::new(
        ResultReason::CRYPTOGRAPHIC_FAILURE,
        format!("signing failed: {what}"),
    )
}

fn signature(
    ctx: &OpContext<'_, '_>,
    key: &PrivateKey,
    scheme: Scheme,
    message: &Message<'_>,
) -> Result<Vec<u8>, OpError> {
    match (key, scheme) {
        (PrivateKey::Rsa(rsa), Scheme::RsaPkcs1(hash)) => rsa
            .sign(pkcs1_padding(ctx, hash)?, &message.hashed(ctx, hash)?)
            .map_err(failed),
        (PrivateKey::Rsa(rsa), Scheme::RsaPss(hash, salt)) => rsa
            .sign_with_rng(
                &mut SystemRng,
                pss_padding(ctx, hash, salt)?,
                &message.hashed(ctx, hash)?,
            )
            .map_err(failed),
        (PrivateKey::Ecdsa { curve, pkcs8 }, Scheme::Ecdsa(hash)) => {
            only_rsa_digests(ctx, message)?;
            let natural = match curve {
                Curve::P256 => HashingAlgorithm::SHA_256,
                Curve::P384 => HashingAlgorithm::SHA_384,
            };
            if hash != natural {
                return Err(unsupported_parameters(
                    ctx,
                    format!(
                        "this server signs with {curve:?} using {natural:?} only, not {hash:?}"
                    ),
                ));
            }
            let Message::Data(data) = message else {
                return Err(failed("no data"));
            };
            let rng = ring::rand::SystemRandom::new();
            let pair = ring_sig::EcdsaKeyPair::from_pkcs8(keys::ecdsa_signing(*curve), pkcs8, &rng)
                .map_err(failed)?;
            Ok(pair.sign(&rng, data).map_err(failed)?.as_ref().to_vec())
        }
        (PrivateKey::Ed25519 { pkcs8 }, Scheme::Ed25519) => {
            only_rsa_digests(ctx, message)?;
            let Message::Data(data) = message else {
                return Err(failed("no data"));
            };
            let pair =
                ring_sig::Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).map_err(failed)?;
            Ok(pair.sign(data).as_ref().to_vec())
        }
        _ => Err(failed("the scheme does not match the key")),
    }
}

fn verifies(
    ctx: &OpContext<'_, '_>,
    key: &PublicKey,
    scheme: Scheme,
    message: &Message<'_>,
    signature: &[u8],
) -> Result<bool, OpError> {
    Ok(match (key, scheme) {
        (PublicKey::Rsa(rsa), Scheme::RsaPkcs1(hash)) => rsa
            .verify(
                pkcs1_padding(ctx, hash)?,
                &message.hashed(ctx, hash)?,
                signature,
            )
            .is_ok(),
        (PublicKey::Rsa(rsa), Scheme::RsaPss(hash, salt)) => {
            let hashed = message.hashed(ctx, hash)?;
            let candidates = match salt {
                Some(len) => vec![len],
                None => pss_salt_candidates(rsa, hashed.len()),
            };
            let mut valid = false;
            for len in candidates {
                valid |= rsa
                    .verify(pss_padding(ctx, hash, Some(len))?, &hashed, signature)
                    .is_ok();
            }
            valid
        }
        (PublicKey::Ecdsa { curve, point }, Scheme::Ecdsa(hash)) => {
            only_rsa_digests(ctx, message)?;
            let algorithm = ecdsa_verification(*curve, hash).ok_or_else(|| {
                unsupported_parameters(
                    ctx,
                    format!("ECDSA {curve:?} with {hash:?} is not supported"),
                )
            })?;
            let Message::Data(data) = message else {
                return Ok(false);
            };
            UnparsedPublicKey::new(algorithm, point)
                .verify(data, signature)
                .is_ok()
        }
        (PublicKey::Ed25519 { point }, Scheme::Ed25519) => {
            only_rsa_digests(ctx, message)?;
            let Message::Data(data) = message else {
                return Ok(false);
            };
            UnparsedPublicKey::new(&ring_sig::ED25519, point)
                .verify(data, signature)
                .is_ok()
        }
        _ => false,
    })
}

pub fn sign(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let uid = ctx.target_uid(payload)?;
    let object = ctx.owned(&uid)?.clone();
    require_type(ctx, &object, &[ObjectType::PRIVATE_KEY], "Sign")?;
    let message = message(payload, "Sign")?;
    let key = keys::private_key(&object)?;
    let kind = kind_of(&keys::public_of(&key)?);
    let scheme = scheme(
        ctx,
        kind,
        &parameters(&object, payload.child(tags::CRYPTOGRAPHIC_PARAMETERS)),
    )?;
    use_key(
        ctx,
        &object,
        Purpose::Protect,
        CryptographicUsageMask::SIGN,
        message.len(),
    )?;
    let signature = signature(ctx, &key, scheme, &message)?;
    Ok(response_payload(vec![
        uid_item(&uid),
        Item::new(tags::SIGNATURE_DATA, Value::ByteString(signature)),
    ]))
}

pub fn signature_verify(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let uid = ctx.target_uid(payload)?;
    let object = ctx.owned(&uid)?.clone();
    require_type(
        ctx,
        &object,
        &[ObjectType::PUBLIC_KEY, ObjectType::CERTIFICATE],
        "Signature Verify",
    )?;
    let signature = bytes_field(payload, tags::SIGNATURE_DATA)?.ok_or_else(|| {
        OpError::new(
            ResultReason::INVALID_MESSAGE,
            "Signature Verify needs the Signature Data",
        )
    })?;
    let message = message(payload, "Signature Verify")?;
    let key = keys::public_key(&object)?;
    let scheme = scheme(
        ctx,
        kind_of(&key),
        &parameters(&object, payload.child(tags::CRYPTOGRAPHIC_PARAMETERS)),
    )?;
    use_key(
        ctx,
        &object,
        Purpose::Process,
        CryptographicUsageMask::VERIFY,
        message.len(),
    )?;
    let valid = verifies(ctx, &key, scheme, &message, signature)?;
    let indicator = if valid {
        ValidityIndicator::VALID
    } else {
        ValidityIndicator::INVALID
    };
    Ok(response_payload(vec![
        uid_item(&uid),
        Item::new(tags::VALIDITY_INDICATOR, Value::Enumeration(indicator.0)),
    ]))
}
