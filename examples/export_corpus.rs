//! Writes the OASIS transcript corpus as canonical TTLV hex, one message per
//! line, for `benches/compare-pykmip.sh`. Usage: `export_corpus OUT_FILE`.

use std::io::Write;
use std::path::Path;

use kmip_conform::suite::oasis::{binary_corpus, default_vectors_dir};
use kmip_conform::ttlv::render::hex;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .ok_or("usage: export_corpus OUT_FILE")?;
    let dir = default_vectors_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    let corpus = binary_corpus(&dir)?;
    let mut file = std::io::BufWriter::new(std::fs::File::create(&out)?);
    let mut bytes = 0;
    for message in &corpus {
        writeln!(file, "{}", hex::encode(&message.bytes))?;
        bytes += message.bytes.len();
    }
    file.flush()?;
    eprintln!("{} messages, {bytes} bytes written to {out}", corpus.len());
    Ok(())
}
