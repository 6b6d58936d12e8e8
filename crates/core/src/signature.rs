//! Signatures under the team's key (`CORS_SYNC_PLAN_KEY`): saved plans and backup journals are
//! signed and checked the same way, an HMAC-SHA256 in hex over the exact bytes each covers.

use hmac::{KeyInit, Mac};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The hex HMAC-SHA256 of `bytes` under `key`. HMAC takes a key of any length, so this is `None`
/// only in theory.
pub fn sign(key: &[u8], bytes: &[u8]) -> Option<String> {
    let mut signing = Signing::new(key)?;
    signing.update(bytes);
    Some(signing.hex())
}

/// A signature made over bytes given a piece at a time, for a body too large to hold twice.
pub struct Signing(HmacSha256);

impl Signing {
    /// `None` only in theory, as for `sign`.
    pub fn new(key: &[u8]) -> Option<Self> {
        <HmacSha256 as KeyInit>::new_from_slice(key)
            .ok()
            .map(Signing)
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The signature, in hex, over every byte given.
    pub fn hex(self) -> String {
        hex::encode(self.0.finalize().into_bytes())
    }

    /// Whether `tag` (hex) is the signature over every byte given, compared in constant time.
    pub fn verify(self, tag: &str) -> bool {
        hex::decode(tag).is_ok_and(|tag| self.0.verify_slice(&tag).is_ok())
    }
}

/// Whether `tag` (hex) is the HMAC-SHA256 of `bytes` under `key`, compared in constant time.
pub fn verify(key: &[u8], bytes: &[u8], tag: &str) -> bool {
    Signing::new(key).is_some_and(|mut signing| {
        signing.update(bytes);
        signing.verify(tag)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_checks_only_with_its_key_and_its_bytes() {
        let tag = sign(b"team key", b"the plan").unwrap_or_default();
        assert_eq!(tag.len(), 64);
        assert!(verify(b"team key", b"the plan", &tag));
        assert!(!verify(b"other key", b"the plan", &tag));
        assert!(!verify(b"team key", b"the plan!", &tag));
        assert!(!verify(b"team key", b"the plan", &tag[..63]));
        assert!(!verify(b"team key", b"the plan", "zz"));
    }
}
