//! Create (KMIP 1.2 §4.1, 2.1 §6.1.7): generate a symmetric key from the
//! client's attributes (and, in 1.x, any templates it names).

use ring::digest;

use super::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::{
    tags, CryptographicAlgorithm, HashingAlgorithm, KeyFormatType, ObjectType, ResultReason, State,
};
use crate::server::attributes;
use crate::server::object::{read_only, AttrKey, Attribute, ManagedObject};
use crate::server::store::random_bytes;
use crate::ttlv::{Item, Value};

/// Checks an algorithm/length pair and returns the key length in bytes.
fn key_bytes(algorithm: u32, bits: i32) -> Result<usize, OpError> {
    let bad = |why: &str| {
        OpError::new(
            ResultReason::INVALID_FIELD,
            format!("Cryptographic Length {bits}: {why}"),
        )
    };
    if bits <= 0 || bits % 8 != 0 || bits > 4096 {
        return Err(bad("must be a positive multiple of 8, at most 4096"));
    }
    match CryptographicAlgorithm(algorithm) {
        CryptographicAlgorithm::AES if ![128, 192, 256].contains(&bits) => {
            Err(bad("AES keys are 128, 192 or 256 bits"))
        }
        CryptographicAlgorithm::DES3 if ![112, 168, 192].contains(&bits) => {
            Err(bad("3DES keys are 112, 168 or 192 bits"))
        }
        CryptographicAlgorithm::DES3 if bits != 192 => Ok(if bits == 112 { 16 } else { 24 }),
        _ => Ok(bits as usize / 8),
    }
}

/// The `Symmetric Key` object structure for raw key material.
pub fn symmetric_key(algorithm: u32, bits: i32, material: &[u8]) -> Item {
    Item::structure(
        tags::SYMMETRIC_KEY,
        vec![Item::structure(
            tags::KEY_BLOCK,
            vec![
                Item::new(
                    tags::KEY_FORMAT_TYPE,
                    Value::Enumeration(KeyFormatType::RAW.0),
                ),
                Item::structure(
                    tags::KEY_VALUE,
                    vec![Item::new(
                        tags::KEY_MATERIAL,
                        Value::ByteString(material.to_vec()),
                    )],
                ),
                Item::new(tags::CRYPTOGRAPHIC_ALGORITHM, Value::Enumeration(algorithm)),
                Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(bits)),
            ],
        )],
    )
}

/// The Digest attribute (SHA-256 of the key material, KMIP 1.2 §3.17).
pub fn digest_of(material: &[u8], format: KeyFormatType) -> Value {
    Value::Structure(vec![
        Item::new(
            tags::HASHING_ALGORITHM,
            Value::Enumeration(HashingAlgorithm::SHA_256.0),
        ),
        Item::new(
            tags::DIGEST_VALUE,
            Value::ByteString(digest::digest(&digest::SHA256, material).as_ref().to_vec()),
        ),
        Item::new(tags::KEY_FORMAT_TYPE, Value::Enumeration(format.0)),
    ])
}

/// Client attributes of a Create or Register request, with 1.x templates merged
/// in (explicit attributes win) and read-only ones refused.
pub fn client_attributes(
    ctx: &OpContext<'_, '_>,
    payload: &Item,
) -> Result<Vec<Attribute>, OpError> {
    let mut attrs = attributes::from_request(payload, ctx.version)?;
    for template_name in payload
        .children_with(tags::TEMPLATE_ATTRIBUTE)
        .flat_map(|t| t.children_with(tags::NAME))
    {
        let template = ctx
            .txn
            .all()
            .into_iter()
            .find(|o| {
                o.object_type == ObjectType::TEMPLATE
                    && o.owner == *ctx.identity
                    && o.instances(&AttrKey::Tag(tags::NAME))
                        .any(|n| n.value == template_name.value)
            })
            .ok_or_else(|| {
                OpError::new(
                    ResultReason::ITEM_NOT_FOUND,
                    "a template named in the request does not exist",
                )
            })?;
        let from_template = template
            .material
            .as_ref()
            .map(|m| {
                m.children_with(tags::ATTRIBUTE)
                    .map(attributes::from_1x)
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        for (attribute, _) in from_template {
            if !attrs.iter().any(|a| a.key == attribute.key) {
                attrs.push(attribute);
            }
        }
    }
    if let Some(bad) = attrs
        .iter()
        .find(|a| read_only(&a.key) && !settable_at_creation(&a.key))
    {
        return Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!(
                "attribute `{}` is set by the server",
                attributes::name_of(&bad.key)
            ),
        ));
    }
    check_unique_names(ctx, &attrs)?;
    Ok(attrs)
}

/// Read-only attributes a client may still supply when creating an object.
/// (KMIP 1.2 §3: "Initially set by: Server or Client", not modifiable later —
/// Fresh §3.34 and Original Creation Date §3.44 included; TC-152, TC-MDO-2.)
fn settable_at_creation(key: &AttrKey) -> bool {
    matches!(key, AttrKey::Tag(t) if [
        tags::CRYPTOGRAPHIC_ALGORITHM,
        tags::CRYPTOGRAPHIC_LENGTH,
        tags::FRESH,
        tags::ORIGINAL_CREATION_DATE,
    ]
    .contains(t))
}

/// Adds the server-set attributes a new object gets, except those the client
/// already supplied (an Original Creation Date it may set, KMIP 1.2 §3.44).
pub fn add_server_attributes(ctx: &OpContext<'_, '_>, attrs: &mut Vec<Attribute>) {
    for attribute in server_attributes(ctx) {
        if !attrs.iter().any(|a| a.key == attribute.key) {
            attrs.push(attribute);
        }
    }
}

/// Names are unique among one client's objects (KMIP 1.2 §11.2).
pub fn check_unique_names(ctx: &OpContext<'_, '_>, attrs: &[Attribute]) -> Result<(), OpError> {
    let name_key = AttrKey::Tag(tags::NAME);
    for name in attrs.iter().filter(|a| a.key == name_key) {
        let taken = ctx.txn.all().into_iter().any(|o| {
            o.owner == *ctx.identity && o.instances(&name_key).any(|n| n.value == name.value)
        });
        if taken {
            let reason = if ResultReason::def()
                .defined_in(ResultReason::NON_UNIQUE_NAME_ATTRIBUTE.0, ctx.version)
            {
                ResultReason::NON_UNIQUE_NAME_ATTRIBUTE
            } else {
                ResultReason::INVALID_FIELD
            };
            return Err(OpError::new(reason, "another object already has this Name"));
        }
    }
    Ok(())
}

/// Server-set attributes every new object gets (only those `version` defines are ever sent).
pub fn server_attributes(ctx: &OpContext<'_, '_>) -> Vec<Attribute> {
    vec![
        Attribute {
            key: AttrKey::Tag(tags::INITIAL_DATE),
            value: Value::DateTime(ctx.now),
        },
        Attribute {
            key: AttrKey::Tag(tags::LAST_CHANGE_DATE),
            value: Value::DateTime(ctx.now),
        },
        Attribute {
            key: AttrKey::Tag(tags::ORIGINAL_CREATION_DATE),
            value: Value::DateTime(ctx.now),
        },
    ]
}

fn enumeration_attr(attrs: &[Attribute], tag: crate::ttlv::Tag) -> Option<u32> {
    attrs
        .iter()
        .find(|a| a.key == AttrKey::Tag(tag))
        .and_then(|a| match a.value {
            Value::Enumeration(v) => Some(v),
            _ => None,
        })
}

fn integer_attr(attrs: &[Attribute], tag: crate::ttlv::Tag) -> Option<i32> {
    attrs
        .iter()
        .find(|a| a.key == AttrKey::Tag(tag))
        .and_then(|a| match a.value {
            Value::Integer(v) => Some(v),
            _ => None,
        })
}

pub fn create(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let object_type = match payload.child(tags::OBJECT_TYPE).map(|o| &o.value) {
        Some(Value::Enumeration(t)) => ObjectType(*t),
        _ => {
            return Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "Create needs an Object Type",
            ))
        }
    };
    if object_type != ObjectType::SYMMETRIC_KEY {
        return Err(OpError::new(
            ctx.by_version(
                ResultReason::INVALID_FIELD,
                ResultReason::INVALID_OBJECT_TYPE,
            ),
            format!(
                "Create of {object_type:?} is not supported; this server creates Symmetric Keys"
            ),
        ));
    }
    let mut attrs = client_attributes(ctx, payload)?;
    let algorithm = enumeration_attr(&attrs, tags::CRYPTOGRAPHIC_ALGORITHM).ok_or_else(|| {
        OpError::new(
            ResultReason::INVALID_FIELD,
            "Create of a Symmetric Key needs Cryptographic Algorithm",
        )
    })?;
    let bits = integer_attr(&attrs, tags::CRYPTOGRAPHIC_LENGTH).ok_or_else(|| {
        OpError::new(
            ResultReason::INVALID_FIELD,
            "Create of a Symmetric Key needs Cryptographic Length",
        )
    })?;
    let material = random_bytes(key_bytes(algorithm, bits)?).ok_or_else(|| {
        OpError::new(
            ResultReason::CRYPTOGRAPHIC_FAILURE,
            "the system random number generator failed",
        )
    })?;
    add_server_attributes(ctx, &mut attrs);
    attrs.push(Attribute {
        key: AttrKey::Tag(tags::DIGEST),
        value: digest_of(&material, KeyFormatType::RAW),
    });
    let object = ManagedObject::new(
        ctx.identity.clone(),
        object_type,
        State::PRE_ACTIVE,
        attrs,
        Some(symmetric_key(algorithm, bits, &material)),
        ctx.txn.next_sequence(),
    );
    let uid = object.uid.clone();
    ctx.txn.put(object);
    *ctx.id_placeholder = Some(uid.clone());
    Ok(response_payload(vec![
        Item::new(tags::OBJECT_TYPE, Value::Enumeration(object_type.0)),
        uid_item(&uid),
    ]))
}
