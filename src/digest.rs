//! SHA-256 digests of inputs and outputs, as lowercase hex.

use sha2::{Digest, Sha256};

/// The lowercase hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Bytes that many outputs begin with, hashed once: every print PDF opens with its
/// output profile, 1.4 of the 1.8 MB of a poster. The SHA-256 of an output that starts
/// with them continues from the saved state instead of hashing them again.
#[derive(Clone)]
pub(crate) struct HashedPrefix {
    bytes: Vec<u8>,
    state: Sha256,
}

impl HashedPrefix {
    /// Hashes `bytes` once, for the outputs that will start with them.
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        let state = Sha256::new_with_prefix(&bytes);
        HashedPrefix { bytes, state }
    }

    /// The lowercase hex SHA-256 of `output`, the same as [`sha256_hex`] gives.
    pub(crate) fn sha256_hex(&self, output: &[u8]) -> String {
        match output.strip_prefix(self.bytes.as_slice()) {
            Some(rest) => hex(&self.state.clone().chain_update(rest).finalize()),
            None => sha256_hex(output),
        }
    }

    /// Whether `output` starts with these bytes, so hashing it skips them.
    #[cfg(test)]
    pub fn covers(&self, output: &[u8]) -> bool {
        output.starts_with(&self.bytes)
    }
}

impl std::fmt::Debug for HashedPrefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HashedPrefix({} bytes)", self.bytes.len())
    }
}

/// Lowercase hex of a digest.
pub(crate) fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_prefix_gives_the_same_digest_as_hashing_everything() {
        let prefix = HashedPrefix::new(b"%PDF-1.7 profile".to_vec());
        let starts_with_it = b"%PDF-1.7 profile, then the page".as_slice();
        let does_not = b"%PDF-1.7 another start".as_slice();
        for output in [starts_with_it, does_not, b"".as_slice()] {
            assert_eq!(prefix.sha256_hex(output), sha256_hex(output));
        }
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
