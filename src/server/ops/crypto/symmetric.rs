//! Encrypt and Decrypt (KMIP 1.2 §4.29–4.30, 2.1 §6.1.17 and §6.1.11) with
//! Symmetric Keys (AES and 3DES in ECB/CBC, AES-GCM, ChaCha20,
//! ChaCha20-Poly1305); Public Key (Encrypt)
//! and Private Key (Decrypt) objects are handed to [`super::super::asymmetric`].
//! Multi-part (streaming) requests are handled by [`super::stream`].

use super::cipher::{self, BlockAlgorithm, Chaining};
use super::{
    bad_parameters, check_key_use, cipher_error, effective_parameters, optional_bytes, reason_or,
    required_bytes, symmetric_material, unsupported_parameters, wrong_object_type, Parameters,
};
use super::{chacha, stream};
use crate::kmip::{
    tags, BlockCipherMode, CryptographicAlgorithm, CryptographicUsageMask, ObjectType, Operation,
    PaddingMethod, ResultReason, Version,
};
use crate::server::object::ManagedObject;
use crate::server::ops::{asymmetric, response_payload, uid_item, OpContext, OpError, OpResult};
use crate::server::store::random_bytes;
use crate::server::usage::{self, Purpose};
use crate::ttlv::{Item, Value};

fn missing_iv(ctx: &OpContext<'_, '_>, what: &str) -> OpError {
    OpError::new(
        reason_or(
            ctx,
            ResultReason::MISSING_INITIALIZATION_VECTOR,
            ResultReason::INVALID_MESSAGE,
        ),
        format!("{what} needs an IV/Counter/Nonce and none was given (and Random IV is not set)"),
    )
}

/// Which cipher construction a job uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// AES or 3DES in ECB or CBC mode.
    Block,
    /// AES-GCM.
    Gcm,
    /// ChaCha20 (64-bit nonce).
    ChaCha20,
    /// ChaCha20-Poly1305 (RFC 8439).
    ChaCha20Poly1305,
}

/// What a symmetric Encrypt/Decrypt needs: algorithm, mode, padding, key.
struct SymmetricJob {
    algorithm: CryptographicAlgorithm,
    key: Vec<u8>,
    kind: Kind,
    /// The Block Cipher Mode (ECB/CBC/GCM; AEAD for ChaCha20-Poly1305, none for ChaCha20).
    mode: Option<BlockCipherMode>,
    padded: bool,
    parameters: Parameters,
}

fn symmetric_job(
    ctx: &OpContext<'_, '_>,
    object: &ManagedObject,
    parameters: Option<&Item>,
) -> Result<SymmetricJob, OpError> {
    let (algorithm, key) = symmetric_material(ctx, object)?;
    let parameters = Parameters::parse(parameters)?;
    if let Some(requested) = parameters.algorithm {
        if requested != algorithm {
            return Err(bad_parameters(
                ctx,
                format!("Cryptographic Parameters name {requested:?} but the key is {algorithm:?}"),
            ));
        }
    }
    if algorithm == CryptographicAlgorithm::CHA_CHA20
        || algorithm == CryptographicAlgorithm::CHA_CHA20_POLY1305
    {
        return chacha_job(ctx, algorithm, key, parameters);
    }
    if algorithm != CryptographicAlgorithm::AES && algorithm != CryptographicAlgorithm::DES3 {
        return Err(unsupported_parameters(
            ctx,
            format!("encryption with {algorithm:?} keys is not supported (AES, 3DES, ChaCha20 and ChaCha20-Poly1305 are)"),
        ));
    }
    let mode = parameters.mode.ok_or_else(|| {
        bad_parameters(
            ctx,
            "no Block Cipher Mode in the request's Cryptographic Parameters nor in the key's attributes",
        )
    })?;
    let padded = match parameters.padding {
        None | Some(PaddingMethod::NONE) => false,
        Some(PaddingMethod::PKCS5) => true,
        Some(other) => {
            return Err(unsupported_parameters(
                ctx,
                format!("Padding Method {other:?} is not supported (None and PKCS5 are)"),
            ))
        }
    };
    match mode {
        BlockCipherMode::ECB | BlockCipherMode::CBC => {}
        BlockCipherMode::GCM if algorithm == CryptographicAlgorithm::AES => {
            if ctx.version < Version::V1_4 {
                return Err(OpError::new(
                    ResultReason::FEATURE_NOT_SUPPORTED,
                    "GCM needs the Authenticated Encryption Tag field of KMIP 1.4 or later",
                ));
            }
            if padded {
                return Err(bad_parameters(ctx, "GCM takes no padding"));
            }
        }
        other => {
            return Err(unsupported_parameters(
                ctx,
                format!("Block Cipher Mode {other:?} with {algorithm:?} is not supported (ECB, CBC, and GCM for AES, are)"),
            ))
        }
    }
    Ok(SymmetricJob {
        algorithm,
        key,
        kind: if mode == BlockCipherMode::GCM {
            Kind::Gcm
        } else {
            Kind::Block
        },
        mode: Some(mode),
        padded,
        parameters,
    })
}

/// ChaCha20 takes no mode; ChaCha20-Poly1305 takes none or AEAD. Neither pads.
fn chacha_job(
    ctx: &OpContext<'_, '_>,
    algorithm: CryptographicAlgorithm,
    key: Vec<u8>,
    parameters: Parameters,
) -> Result<SymmetricJob, OpError> {
    let poly = algorithm == CryptographicAlgorithm::CHA_CHA20_POLY1305;
    if poly && ctx.version < Version::V1_4 {
        return Err(OpError::new(
            ResultReason::FEATURE_NOT_SUPPORTED,
            "ChaCha20-Poly1305 needs the Authenticated Encryption Tag field of KMIP 1.4 or later",
        ));
    }
    match parameters.mode {
        None => {}
        Some(BlockCipherMode::AEAD) if poly => {}
        Some(other) => {
            return Err(bad_parameters(
                ctx,
                format!("{algorithm:?} does not take Block Cipher Mode {other:?}"),
            ))
        }
    }
    if !matches!(parameters.padding, None | Some(PaddingMethod::NONE)) {
        return Err(bad_parameters(
            ctx,
            format!("{algorithm:?} takes no padding"),
        ));
    }
    Ok(SymmetricJob {
        algorithm,
        key,
        kind: if poly {
            Kind::ChaCha20Poly1305
        } else {
            Kind::ChaCha20
        },
        mode: parameters.mode,
        padded: false,
        parameters,
    })
}

impl SymmetricJob {
    fn block_algorithm(&self) -> BlockAlgorithm {
        if self.algorithm == CryptographicAlgorithm::DES3 {
            BlockAlgorithm::TripleDes
        } else {
            BlockAlgorithm::Aes
        }
    }

    fn chaining(&self) -> Chaining {
        if self.mode == Some(BlockCipherMode::ECB) {
            Chaining::Ecb
        } else {
            Chaining::Cbc
        }
    }
}

fn generated_iv(len: usize) -> Result<Vec<u8>, OpError> {
    random_bytes(len).ok_or_else(|| {
        OpError::new(
            ResultReason::CRYPTOGRAPHIC_FAILURE,
            "the system random number generator failed",
        )
    })
}

/// The inputs of a symmetric Encrypt/Decrypt settled by its (first) request.
pub(super) struct Setup {
    job: SymmetricJob,
    iv: Vec<u8>,
    /// The IV was generated here (Random IV) and goes back in the response.
    generated_iv: bool,
    aad: Vec<u8>,
    tag_length: usize,
}

fn setup(
    ctx: &OpContext<'_, '_>,
    payload: &Item,
    job: SymmetricJob,
    encrypting: bool,
) -> Result<Setup, OpError> {
    let requested_iv = optional_bytes(payload, tags::IV_COUNTER_NONCE, "IV/Counter/Nonce")?;
    let (iv, generated_iv) = match requested_iv {
        Some(iv) => (iv, false),
        None if job.mode == Some(BlockCipherMode::ECB) => (Vec::new(), false),
        // Random IV only applies to encryption: a decryptor must be told the IV.
        None if encrypting && job.parameters.random_iv => {
            let len = match job.kind {
                Kind::Gcm | Kind::ChaCha20Poly1305 => 12,
                Kind::ChaCha20 => 8,
                Kind::Block => job.block_algorithm().block_size(),
            };
            (generated_iv(len)?, true)
        }
        None => {
            let what = job
                .mode
                .map_or_else(|| format!("{:?}", job.algorithm), |m| format!("{m:?}"));
            return Err(missing_iv(ctx, &what));
        }
    };
    let mut tag_length = 0;
    let mut aad = Vec::new();
    if job.kind == Kind::Gcm || job.kind == Kind::ChaCha20Poly1305 {
        tag_length =
            cipher::gcm_tag_length(job.parameters.tag_length).map_err(|e| cipher_error(ctx, e))?;

        aad = optional_bytes(
            payload,
            tags::AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA,
            "Authenticated Encryption Additional Data",
        )?
        .unwrap_or_default();
    }
    Ok(Setup {
        job,
        iv,
        generated_iv,
        aad,
        tag_length,
    })
}

impl Setup {
    /// Encrypts all of `data`: the ciphertext and, for GCM, the tag.
    pub(super) fn encrypt_all(
        &self,
        ctx: &OpContext<'_, '_>,
        data: &[u8],
    ) -> Result<(Vec<u8>, Option<Vec<u8>>), OpError> {
        let job = &self.job;
        let fail = |e| cipher_error(ctx, e);
        match job.kind {
            Kind::ChaCha20 => {
                return Ok((
                    chacha::chacha20(&job.key, &self.iv, data).map_err(fail)?,
                    None,
                ))
            }
            Kind::ChaCha20Poly1305 => {
                let (ciphertext, tag) =
                    chacha::chacha20_poly1305_seal(&job.key, &self.iv, &self.aad, data)
                        .map_err(fail)?;
                return Ok((ciphertext, Some(tag)));
            }
            Kind::Gcm | Kind::Block => {}
        }
        if job.kind == Kind::Gcm {
            let (ciphertext, tag) =
                cipher::gcm_encrypt(&job.key, &self.iv, &self.aad, data, self.tag_length)
                    .map_err(|e| cipher_error(ctx, e))?;
            return Ok((ciphertext, Some(tag)));
        }
        let ciphertext = cipher::block_encrypt(
            job.block_algorithm(),
            &job.key,
            job.chaining(),
            &self.iv,
            data,
            job.padded,
        )
        .map_err(|e| cipher_error(ctx, e))?;
        Ok((ciphertext, None))
    }

    /// Decrypts all of `data`, verifying the GCM `tag` (required for GCM).
    pub(super) fn decrypt_all(
        &self,
        ctx: &OpContext<'_, '_>,
        data: &[u8],
        tag: Option<&[u8]>,
    ) -> Result<Vec<u8>, OpError> {
        let job = &self.job;
        if job.kind == Kind::ChaCha20 {
            return chacha::chacha20(&job.key, &self.iv, data).map_err(|e| cipher_error(ctx, e));
        }
        if job.kind == Kind::Gcm || job.kind == Kind::ChaCha20Poly1305 {
            let tag = tag.ok_or_else(|| {
                OpError::new(
                    ResultReason::INVALID_MESSAGE,
                    "the request payload has no Authenticated Encryption Tag (GCM)",
                )
            })?;
            if let Some(expected) = job.parameters.tag_length {
                if expected != tag.len() as i64 {
                    return Err(bad_parameters(
                        ctx,
                        format!(
                            "Tag Length is {expected} but the Authenticated Encryption Tag has {} bytes",
                            tag.len()
                        ),
                    ));
                }
            }
            let plain = if job.kind == Kind::Gcm {
                cipher::gcm_decrypt(&job.key, &self.iv, &self.aad, data, tag)
            } else {
                chacha::chacha20_poly1305_open(&job.key, &self.iv, &self.aad, data, tag)
            };
            return plain.map_err(|e| cipher_error(ctx, e));
        }
        cipher::block_decrypt(
            job.block_algorithm(),
            &job.key,
            job.chaining(),
            &self.iv,
            data,
            job.padded,
        )
        .map_err(|e| cipher_error(ctx, e))
    }

    /// The output a multi-part operation can release before its final part:
    /// the transform of the longest prefix of `data` that later parts cannot
    /// change (all of it for GCM's counter mode; whole blocks for ECB/CBC,
    /// keeping back the last block when decrypting padded data).
    pub(super) fn partial(
        &self,
        ctx: &OpContext<'_, '_>,
        data: &[u8],
        encrypting: bool,
    ) -> Result<Vec<u8>, OpError> {
        let job = &self.job;
        match job.kind {
            Kind::Gcm => {
                return cipher::gcm_transform(&job.key, &self.iv, data)
                    .map_err(|e| cipher_error(ctx, e))
            }
            Kind::ChaCha20 => {
                return chacha::chacha20(&job.key, &self.iv, data).map_err(|e| cipher_error(ctx, e))
            }
            Kind::ChaCha20Poly1305 => {
                return Err(stream::not_for("ChaCha20-Poly1305"));
            }
            Kind::Block => {}
        }
        let block = job.block_algorithm().block_size();
        let mut whole = data.len() / block * block;
        if !encrypting && job.padded && whole == data.len() {
            whole = whole.saturating_sub(block);
        }
        let run = if encrypting {
            cipher::block_encrypt
        } else {
            cipher::block_decrypt
        };
        run(
            job.block_algorithm(),
            &job.key,
            job.chaining(),
            &self.iv,
            &data[..whole],
            false,
        )
        .map_err(|e| cipher_error(ctx, e))
    }

    pub(super) fn generated_iv(&self) -> Option<&[u8]> {
        self.generated_iv.then_some(self.iv.as_slice())
    }

    /// Whether the operation produces an authentication tag.
    pub(super) fn is_aead(&self) -> bool {
        matches!(self.job.kind, Kind::Gcm | Kind::ChaCha20Poly1305)
    }
}

/// The request fields Encrypt and Decrypt read, in the same order, before
/// their paths part.
struct CipherRequest {
    uid: String,
    phase: stream::Phase,
    object: ManagedObject,
    data: Vec<u8>,
    parameters: Option<Item>,
}

impl CipherRequest {
    fn read(ctx: &mut OpContext<'_, '_>, payload: &Item) -> Result<Self, OpError> {
        let uid = ctx.target_uid(payload)?;
        let phase = stream::Phase::of(payload)?;
        let object = ctx.owned(&uid)?.clone();
        let data = required_bytes(payload, tags::DATA, "Data")?;
        let parameters = effective_parameters(payload, &object);
        Ok(CipherRequest {
            uid,
            phase,
            object,
            data,
            parameters,
        })
    }
}

/// Refuses a multi-part request for an operation that is one-shot only.
fn one_shot_only(phase: &stream::Phase, what: &str) -> Result<(), OpError> {
    if *phase != stream::Phase::OneShot {
        return Err(stream::not_for(what));
    }
    Ok(())
}

/// Requires a Symmetric Key usable for `purpose` with `bit` in its mask.
fn require_symmetric_key(
    ctx: &mut OpContext<'_, '_>,
    object: &ManagedObject,
    purpose: Purpose,
    bit: CryptographicUsageMask,
    message: &str,
) -> Result<(), OpError> {
    if object.object_type != ObjectType::SYMMETRIC_KEY {
        return Err(wrong_object_type(ctx, object, message));
    }
    check_key_use(ctx, object, purpose, bit)
}

/// A response payload of the Unique Identifier and the Data.
fn data_response(uid: &str, data: Vec<u8>) -> Option<Item> {
    response_payload(vec![
        uid_item(uid),
        Item::new(tags::DATA, Value::ByteString(data)),
    ])
}

/// Encrypt (KMIP 1.2 §4.29, 2.1 §6.1.17).
pub fn encrypt(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let CipherRequest {
        uid,
        phase,
        object,
        data,
        parameters,
    } = CipherRequest::read(ctx, payload)?;
    if object.object_type == ObjectType::PUBLIC_KEY {
        one_shot_only(&phase, "asymmetric encryption")?;
        check_key_use(
            ctx,
            &object,
            Purpose::Protect,
            CryptographicUsageMask::ENCRYPT,
        )?;
        usage::consume(ctx, &object, data.len())?;
        let ciphertext = asymmetric::encrypt(&object, parameters.as_ref(), &data)?;
        return Ok(data_response(&uid, ciphertext));
    }
    require_symmetric_key(
        ctx,
        &object,
        Purpose::Protect,
        CryptographicUsageMask::ENCRYPT,
        "Encrypt needs a Symmetric Key or Public Key",
    )?;
    if let stream::Phase::Continue { correlation, last } = phase {
        stream::verify(ctx, &uid, Operation::ENCRYPT, &correlation)?;
        usage::consume(ctx, &object, data.len())?;
        return stream::continue_part(
            ctx,
            &uid,
            Operation::ENCRYPT,
            &correlation,
            last,
            &data,
            None,
        );
    }
    let job = symmetric_job(ctx, &object, parameters.as_ref())?;
    let setup = setup(ctx, payload, job, true)?;
    usage::consume(ctx, &object, data.len())?;
    if phase == stream::Phase::Init {
        return stream::start(ctx, &uid, Operation::ENCRYPT, setup, data);
    }
    let (ciphertext, tag) = setup.encrypt_all(ctx, &data)?;
    let mut fields = vec![
        uid_item(&uid),
        Item::new(tags::DATA, Value::ByteString(ciphertext)),
    ];
    if let Some(iv) = setup.generated_iv() {
        fields.push(Item::new(
            tags::IV_COUNTER_NONCE,
            Value::ByteString(iv.to_vec()),
        ));
    }
    if let Some(tag) = tag {
        fields.push(Item::new(
            tags::AUTHENTICATED_ENCRYPTION_TAG,
            Value::ByteString(tag),
        ));
    }
    Ok(response_payload(fields))
}

/// Decrypt (KMIP 1.2 §4.30, 2.1 §6.1.11).
pub fn decrypt(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let CipherRequest {
        uid,
        phase,
        object,
        data,
        parameters,
    } = CipherRequest::read(ctx, payload)?;
    if object.object_type == ObjectType::PRIVATE_KEY {
        one_shot_only(&phase, "asymmetric decryption")?;
        check_key_use(
            ctx,
            &object,
            Purpose::Process,
            CryptographicUsageMask::DECRYPT,
        )?;
        let plaintext = asymmetric::decrypt(&object, parameters.as_ref(), &data)?;
        return Ok(data_response(&uid, plaintext));
    }
    require_symmetric_key(
        ctx,
        &object,
        Purpose::Process,
        CryptographicUsageMask::DECRYPT,
        "Decrypt needs a Symmetric Key or Private Key",
    )?;
    let tag = optional_bytes(
        payload,
        tags::AUTHENTICATED_ENCRYPTION_TAG,
        "Authenticated Encryption Tag",
    )?;
    if let stream::Phase::Continue { correlation, last } = phase {
        return stream::continue_part(
            ctx,
            &uid,
            Operation::DECRYPT,
            &correlation,
            last,
            &data,
            tag.as_deref(),
        );
    }
    let job = symmetric_job(ctx, &object, parameters.as_ref())?;
    let setup = setup(ctx, payload, job, false)?;
    if phase == stream::Phase::Init {
        return stream::start(ctx, &uid, Operation::DECRYPT, setup, data);
    }
    let plaintext = setup.decrypt_all(ctx, &data, tag.as_deref())?;
    Ok(data_response(&uid, plaintext))
}
