//! Get Attributes and Get Attribute List (KMIP 1.2 §4.12–4.13, 2.1 §6.1.24–6.1.25).
//! Only attributes the request's protocol version defines are returned.

use super::{response_payload, uid_item, OpContext, OpResult};
use crate::kmip::dictionary::tag_defined_in;
use crate::kmip::Version;
use crate::server::attributes::{key_to_wire, list_to_wire, requested_keys};
use crate::server::object::{AttrKey, Attribute};
use crate::ttlv::Item;

fn visible(attribute: &Attribute, version: Version) -> bool {
    match &attribute.key {
        AttrKey::Tag(tag) => tag_defined_in(tag.0, version),
        AttrKey::Custom(_) => true,
    }
}

pub fn get_attributes(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let uid = ctx.target_uid(payload)?;
    let wanted = requested_keys(payload, ctx.version)?;
    let object = ctx.owned(&uid)?;
    let selected: Vec<Attribute> = object
        .all_attributes()
        .into_iter()
        .filter(|a| visible(a, ctx.version))
        .filter(|a| wanted.as_ref().is_none_or(|keys| keys.contains(&a.key)))
        .collect();
    let mut fields = vec![uid_item(&uid)];
    fields.extend(list_to_wire(&selected, ctx.version));
    Ok(response_payload(fields))
}

pub fn get_attribute_list(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let uid = ctx.target_uid(payload)?;
    let object = ctx.owned(&uid)?;
    let mut keys: Vec<AttrKey> = Vec::new();
    for attribute in object
        .all_attributes()
        .into_iter()
        .filter(|a| visible(a, ctx.version))
    {
        if !keys.contains(&attribute.key) {
            keys.push(attribute.key);
        }
    }
    let mut fields = vec![uid_item(&uid)];
    fields.extend(keys.iter().map(|k| key_to_wire(k, ctx.version)));
    Ok(response_payload(fields))
}
