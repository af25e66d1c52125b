//! Create Key Pair and Re-key Key Pair (KMIP 1.2 §4.2, §4.5; 2.1 §6.1.9,
//! §6.1.47): generate a public/private key pair from the Common, Private Key
//! and Public Key attributes (1.x Template-Attributes, 2.x Attributes) and
//! link the two halves to each other.

mod generate;
mod rekey;

pub use rekey::rekey_key_pair;

use generate::{generate, plan, KeySpec};

use super::create::{client_attributes, digest_of, server_attributes};
use super::{response_payload, OpContext, OpError, OpResult};
use crate::kmip::{
    tags, CryptographicAlgorithm, CryptographicUsageMask, LinkType, ObjectType, RecommendedCurve,
    ResultReason, State,
};
use crate::server::object::{multi_instance, AttrKey, Attribute, ManagedObject};
use crate::ttlv::{Item, Tag, Value};

/// The three attribute sections of a key pair request, by version.
struct Sections {
    common: Tag,
    private: Tag,
    public: Tag,
}

fn sections(ctx: &OpContext<'_, '_>) -> Sections {
    if ctx.version.is_2x() {
        Sections {
            common: tags::COMMON_ATTRIBUTES,
            private: tags::PRIVATE_KEY_ATTRIBUTES,
            public: tags::PUBLIC_KEY_ATTRIBUTES,
        }
    } else {
        Sections {
            common: tags::COMMON_TEMPLATE_ATTRIBUTE,
            private: tags::PRIVATE_KEY_TEMPLATE_ATTRIBUTE,
            public: tags::PUBLIC_KEY_TEMPLATE_ATTRIBUTE,
        }
    }
}

/// The attributes one section names (with 1.x templates merged and
/// read-only attributes refused, as for Create).
fn section_attributes(
    ctx: &OpContext<'_, '_>,
    payload: &Item,
    section: Tag,
) -> Result<Vec<Attribute>, OpError> {
    let Some(found) = payload.child(section) else {
        return Ok(Vec::new());
    };
    let as_tag = if ctx.version.is_2x() {
        tags::ATTRIBUTES
    } else {
        tags::TEMPLATE_ATTRIBUTE
    };
    let wrapped = Item::structure(
        tags::REQUEST_PAYLOAD,
        vec![Item::new(as_tag, found.value.clone())],
    );
    client_attributes(ctx, &wrapped)
}

/// Private/Public attributes over Common ones (KMIP 1.2 §4.2): single-instance
/// attributes from `own` win, multi-instance ones are the union.
fn merge(common: &[Attribute], own: Vec<Attribute>) -> Vec<Attribute> {
    let mut out = own;
    for attribute in common {
        let present = if multi_instance(&attribute.key) {
            out.contains(attribute)
        } else {
            out.iter().any(|a| a.key == attribute.key)
        };
        if !present {
            out.push(attribute.clone());
        }
    }
    out
}

/// The Private Key and Public Key attributes a request asks for.
fn requested_attributes(
    ctx: &OpContext<'_, '_>,
    payload: &Item,
) -> Result<(Vec<Attribute>, Vec<Attribute>), OpError> {
    let s = sections(ctx);
    let common = section_attributes(ctx, payload, s.common)?;
    let private = merge(&common, section_attributes(ctx, payload, s.private)?);
    let public = merge(&common, section_attributes(ctx, payload, s.public)?);
    Ok((private, public))
}

fn value_of(attrs: &[Attribute], tag: Tag) -> Option<&Value> {
    attrs
        .iter()
        .find(|a| a.key == AttrKey::Tag(tag))
        .map(|a| &a.value)
}

fn invalid_value(ctx: &OpContext<'_, '_>, message: impl Into<String>) -> OpError {
    OpError::new(
        ctx.by_version(
            ResultReason::INVALID_FIELD,
            ResultReason::INVALID_ATTRIBUTE_VALUE,
        ),
        message,
    )
}

/// Attributes that must be equal for both keys when both state them (KMIP
/// 1.2 Table 141; the server records the generated key's Algorithm and
/// Length on both) and Names that the two new keys may not share.
fn check_pair_consistency(
    ctx: &OpContext<'_, '_>,
    private: &[Attribute],
    public: &[Attribute],
) -> Result<(), OpError> {
    for tag in [
        tags::CRYPTOGRAPHIC_ALGORITHM,
        tags::CRYPTOGRAPHIC_LENGTH,
        tags::CRYPTOGRAPHIC_DOMAIN_PARAMETERS,
        tags::CRYPTOGRAPHIC_PARAMETERS,
    ] {
        let (a, b) = (value_of(private, tag), value_of(public, tag));
        if a.is_some() && b.is_some() && a != b {
            return Err(invalid_value(
                ctx,
                format!(
                    "{} must be the same for the private and the public key",
                    crate::server::attributes::name_of(&AttrKey::Tag(tag))
                ),
            ));
        }
    }
    let name = AttrKey::Tag(tags::NAME);
    let shared = private
        .iter()
        .filter(|a| a.key == name)
        .any(|a| public.contains(a));
    if shared {
        let reason = if ResultReason::def()
            .defined_in(ResultReason::NON_UNIQUE_NAME_ATTRIBUTE.0, ctx.version)
        {
            ResultReason::NON_UNIQUE_NAME_ATTRIBUTE
        } else {
            ResultReason::INVALID_FIELD
        };
        return Err(OpError::new(
            reason,
            "the private and the public key cannot have the same Name",
        ));
    }
    Ok(())
}

/// Refuses usage masks a key of this kind cannot honour (KMIP 1.2 §3.19):
/// a public key cannot sign or decrypt, a private key cannot verify or
/// encrypt, and EC/Ed25519 keys do not encrypt at all. KMIP 1.x requires
/// a mask on both keys (Table 141).
fn check_masks(
    ctx: &OpContext<'_, '_>,
    spec: KeySpec,
    private: &[Attribute],
    public: &[Attribute],
) -> Result<(), OpError> {
    use CryptographicUsageMask as M;
    let public_never =
        M::SIGN.0 | M::DECRYPT.0 | M::UNWRAP_KEY.0 | M::CERTIFICATE_SIGN.0 | M::CRL_SIGN.0;
    let private_never = M::VERIFY.0 | M::ENCRYPT.0 | M::WRAP_KEY.0;
    let no_encryption = match spec {
        KeySpec::Rsa(_) => 0,
        KeySpec::Ec(_) | KeySpec::Ed25519 => {
            M::ENCRYPT.0 | M::DECRYPT.0 | M::WRAP_KEY.0 | M::UNWRAP_KEY.0
        }
    };
    for (which, attrs, never) in [
        ("private", private, private_never),
        ("public", public, public_never),
    ] {
        match value_of(attrs, tags::CRYPTOGRAPHIC_USAGE_MASK) {
            Some(Value::Integer(mask)) => {
                let refused = (*mask as u32) & (never | no_encryption);
                if refused != 0 {
                    return Err(invalid_value(
                        ctx,
                        format!(
                            "Cryptographic Usage Mask 0x{mask:X} of the {which} key asks for 0x{refused:X}, which a {which} {spec:?} key cannot do"
                        ),
                    ));
                }
            }
            Some(_) => {}
            None if !ctx.version.is_2x() => {
                return Err(OpError::new(
                    ResultReason::INVALID_FIELD,
                    format!("Create Key Pair needs a Cryptographic Usage Mask for the {which} key (KMIP 1.2 Table 141)"),
                ))
            }
            None => {}
        }
    }
    Ok(())
}

/// The key type the attributes ask for.
fn spec_of(
    ctx: &OpContext<'_, '_>,
    attrs: &[Attribute],
) -> Result<(KeySpec, CryptographicAlgorithm), OpError> {
    let algorithm = match value_of(attrs, tags::CRYPTOGRAPHIC_ALGORITHM) {
        Some(Value::Enumeration(a)) => CryptographicAlgorithm(*a),
        _ => {
            return Err(OpError::new(
                ResultReason::INVALID_FIELD,
                "Create Key Pair needs a Cryptographic Algorithm",
            ))
        }
    };
    let length = match value_of(attrs, tags::CRYPTOGRAPHIC_LENGTH) {
        Some(Value::Integer(bits)) => Some(*bits),
        _ => None,
    };
    let curve = match value_of(attrs, tags::CRYPTOGRAPHIC_DOMAIN_PARAMETERS) {
        Some(Value::Structure(fields)) => fields
            .iter()
            .find(|f| f.tag == tags::RECOMMENDED_CURVE)
            .and_then(|f| match f.value {
                Value::Enumeration(c) => Some(RecommendedCurve(c)),
                _ => None,
            }),
        _ => None,
    };
    Ok((plan(ctx, algorithm, length, curve)?, algorithm))
}

/// Generates a pair and builds both managed objects, linked to each other,
/// with the given attributes plus the server-set ones (dates, Digest,
/// Cryptographic Algorithm and Length).
fn build_pair(
    ctx: &mut OpContext<'_, '_>,
    spec: KeySpec,
    algorithm: CryptographicAlgorithm,
    mut private_attrs: Vec<Attribute>,
    mut public_attrs: Vec<Attribute>,
    state: State,
) -> Result<(ManagedObject, ManagedObject), OpError> {
    if let KeySpec::Rsa(bits) = &spec {
        if *bits > ctx.config.max_rsa_bits {
            return Err(OpError::new(
                ResultReason::PERMISSION_DENIED,
                format!(
                    "server policy: RSA keys larger than {} bits are not generated",
                    ctx.config.max_rsa_bits
                ),
            ));
        }
    }
    let pair = generate(spec, algorithm)?;
    for (attrs, (format, material)) in [
        (&mut private_attrs, &pair.private_digest),
        (&mut public_attrs, &pair.public_digest),
    ] {
        attrs.retain(|a| {
            ![
                tags::DIGEST,
                tags::CRYPTOGRAPHIC_ALGORITHM,
                tags::CRYPTOGRAPHIC_LENGTH,
                tags::INITIAL_DATE,
                tags::LAST_CHANGE_DATE,
                tags::ORIGINAL_CREATION_DATE,
            ]
            .iter()
            .any(|t| a.key == AttrKey::Tag(*t))
        });
        attrs.extend(server_attributes(ctx));
        attrs.push(Attribute {
            key: AttrKey::Tag(tags::CRYPTOGRAPHIC_ALGORITHM),
            value: Value::Enumeration(algorithm.0),
        });
        attrs.push(Attribute {
            key: AttrKey::Tag(tags::CRYPTOGRAPHIC_LENGTH),
            value: Value::Integer(pair.length),
        });
        attrs.push(Attribute {
            key: AttrKey::Tag(tags::DIGEST),
            value: digest_of(material, *format),
        });
    }
    let mut private = ManagedObject::new(
        ctx.identity.clone(),
        ObjectType::PRIVATE_KEY,
        state,
        private_attrs,
        Some(pair.private),
        ctx.txn.next_sequence(),
    );
    let mut public = ManagedObject::new(
        ctx.identity.clone(),
        ObjectType::PUBLIC_KEY,
        state,
        public_attrs,
        Some(pair.public),
        ctx.txn.next_sequence(),
    );
    private
        .attributes
        .push(Attribute::link(LinkType::PUBLIC_KEY_LINK, &public.uid));
    public
        .attributes
        .push(Attribute::link(LinkType::PRIVATE_KEY_LINK, &private.uid));
    Ok((private, public))
}

/// The response of both operations.
fn pair_response(private_uid: &str, public_uid: &str) -> OpResult {
    Ok(response_payload(vec![
        Item::new(
            tags::PRIVATE_KEY_UNIQUE_IDENTIFIER,
            Value::TextString(private_uid.to_owned()),
        ),
        Item::new(
            tags::PUBLIC_KEY_UNIQUE_IDENTIFIER,
            Value::TextString(public_uid.to_owned()),
        ),
    ]))
}

pub fn create_key_pair(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let (private_attrs, public_attrs) = requested_attributes(ctx, payload)?;
    check_pair_consistency(ctx, &private_attrs, &public_attrs)?;
    // Algorithm, Length and curve may be stated for either half alone.
    let mut described = private_attrs.clone();
    described.extend(public_attrs.iter().cloned());
    let (spec, algorithm) = spec_of(ctx, &described)?;
    check_masks(ctx, spec, &private_attrs, &public_attrs)?;
    let (private, public) = build_pair(
        ctx,
        spec,
        algorithm,
        private_attrs,
        public_attrs,
        State::PRE_ACTIVE,
    )?;
    let (private_uid, public_uid) = (private.uid.clone(), public.uid.clone());
    ctx.txn.put(private);
    ctx.txn.put(public);
    // KMIP 1.2 §4.2: the ID Placeholder is the Private Key's identifier.
    *ctx.id_placeholder = Some(private_uid.clone());
    pair_response(&private_uid, &public_uid)
}
