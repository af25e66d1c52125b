//! The OASIS test-case transcripts (`vectors/v*/…xml`) as trees and as binary.
//!
//! The transcripts leave server-chosen values symbolic (`$UNIQUE_IDENTIFIER_0`,
//! `$NOW-3600`). [`bind_samples`] fills them with deterministic sample values of
//! the right type, which is what a codec corpus (benchmarks, fuzz seeds) needs.
//! A runner binds them from real responses instead.

use std::path::{Path, PathBuf};

use crate::kmip::KmipNames;
use crate::ttlv::render::xml;
use crate::ttlv::{encode, EncodeError, Item, ItemType, Placeholder, Value};

/// Why a transcript could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum VectorError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{path} message {index}: {source}")]
    Encode {
        path: PathBuf,
        index: usize,
        source: EncodeError,
    },
}

/// Reads every message of one transcript file, placeholders kept.
pub fn read_vector_file(path: &Path) -> Result<Vec<Item>, VectorError> {
    let text = std::fs::read_to_string(path).map_err(|source| VectorError::Io {
        path: path.to_owned(),
        source,
    })?;
    xml::read(&text, &KmipNames, xml::ReadOptions::default()).map_err(|e| VectorError::Parse {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// Every `*.xml` transcript under `dir/v*/`, sorted by path.
pub fn vector_files(dir: &Path) -> Result<Vec<PathBuf>, VectorError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| VectorError::Io { path, source }
    };
    let mut files = Vec::new();
    for version in std::fs::read_dir(dir).map_err(io(dir))? {
        let version = version.map_err(io(dir))?.path();
        if !version.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&version).map_err(io(&version))? {
            let file = file.map_err(io(&version))?.path();
            if file.extension().is_some_and(|e| e == "xml") {
                files.push(file);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A deterministic sample value for a placeholder, of the placeholder's type.
pub fn sample_value(placeholder: &Placeholder) -> Value {
    let seed = placeholder
        .text
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    match placeholder.item_type {
        ItemType::TextString => {
            Value::TextString(placeholder.text.trim_start_matches('$').to_owned())
        }
        ItemType::ByteString => Value::ByteString(placeholder.text.as_bytes().to_vec()),
        ItemType::BigInteger => Value::BigInteger(vec![0, 0, 0, 0, 0, 0, 0, seed as u8 & 0x7F]),
        ItemType::Integer => Value::Integer(seed as i32),
        ItemType::LongInteger => Value::LongInteger(i64::from(seed)),
        ItemType::Enumeration => Value::Enumeration(seed),
        ItemType::Boolean => Value::Boolean(seed % 2 == 1),
        ItemType::DateTime => Value::DateTime(1_700_000_000 + i64::from(seed % 100_000)),
        ItemType::Interval => Value::Interval(seed),
        ItemType::DateTimeExtended => Value::DateTimeExtended(1_700_000_000_000_000),
        ItemType::Structure => Value::Structure(Vec::new()),
    }
}

/// Replaces every placeholder in `item` with [`sample_value`].
pub fn bind_samples(item: &mut Item) {
    item.walk_mut(&mut |it| {
        if let Value::Placeholder(p) = &it.value {
            it.value = sample_value(p);
        }
    });
}

/// One transcript message as canonical TTLV.
#[derive(Clone, Debug)]
pub struct CorpusMessage {
    pub file: PathBuf,
    pub index: usize,
    pub bytes: Vec<u8>,
}

/// Every message of every transcript under `dir`, placeholders bound to
/// samples, encoded to canonical TTLV.
pub fn binary_corpus(dir: &Path) -> Result<Vec<CorpusMessage>, VectorError> {
    let mut corpus = Vec::new();
    for file in vector_files(dir)? {
        for (index, mut message) in read_vector_file(&file)?.into_iter().enumerate() {
            bind_samples(&mut message);
            let bytes = encode(&message).map_err(|source| VectorError::Encode {
                path: file.clone(),
                index,
                source,
            })?;
            corpus.push(CorpusMessage {
                file: file.clone(),
                index,
                bytes,
            });
        }
    }
    Ok(corpus)
}

/// The vector directory: `$KMIP_VECTORS`, else `../shared/kmip/vectors` next to `base`.
pub fn default_vectors_dir(base: &Path) -> PathBuf {
    match std::env::var_os("KMIP_VECTORS") {
        Some(dir) => PathBuf::from(dir),
        None => base.join("../shared/kmip/vectors"),
    }
}
