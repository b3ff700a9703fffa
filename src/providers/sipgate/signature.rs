//! `X-Sipgate-Signature`: proof that a push-API event comes from sipgate.
//!
//! sipgate signs the raw request body (not the URL) with RSA-SHA256,
//! PKCS#1 v1.5, and sends the signature base64-encoded. It is checked with
//! sipgate's published public key (built in, from the official
//! `sipgateio-node` library), or with the key `[sipgate] public_key_pem`
//! names instead (tests and checkers sign with a key pair of their own).
//!
//! Because the URL is not signed, the callback URLs lotse hands to sipgate
//! carry a MAC of their own (see [`super::links`]).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use sha2::Sha256;

/// sipgate's published webhook key (`lib/webhook/id_rsa.pub` of
/// `sipgate-io/sipgateio-node`), 4096-bit RSA.
pub const SIPGATE_PUBLIC_KEY: &str = include_str!("sipgate-public-key.pem");

/// A public key that push-API signatures are checked against.
#[derive(Clone, Debug)]
pub struct PublicKey(VerifyingKey<Sha256>);

impl PublicKey {
    /// An RSA public key in PEM (`-----BEGIN PUBLIC KEY-----`, SPKI).
    pub fn from_pem(pem: &str) -> Option<PublicKey> {
        let key = RsaPublicKey::from_public_key_pem(pem.trim()).ok()?;
        Some(PublicKey(VerifyingKey::new(key)))
    }

    /// sipgate's own key.
    pub fn sipgate() -> PublicKey {
        PublicKey::from_pem(SIPGATE_PUBLIC_KEY).expect("the built-in key parses")
    }

    /// Whether `header` (base64) is this key's signature of `body`. Any
    /// malformed header is simply not a valid signature.
    pub fn verify(&self, body: &[u8], header: &str) -> bool {
        let Ok(raw) = STANDARD.decode(header.trim()) else {
            return false;
        };
        let Ok(signature) = Signature::try_from(raw.as_slice()) else {
            return false;
        };
        self.0.verify(body, &signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The signed `newCall` of `sipgateio-node`'s own webhook tests
    /// (`lib/webhook/webhook.test.ts`): the body `qs.stringify` makes of
    /// their test event, and the signature sipgate's key made of it.
    pub const VECTOR_BODY: &str = "callId=&direction=in&event=newCall&from=4912354678&fullUserId%5B%5D%5B0%5D=123456789&originalCallId=&to=49999999&user%5B%5D%5B0%5D=TestUser&userId%5B%5D%5B0%5D=123456789&xcid=";
    pub const VECTOR_SIGNATURE: &str = "hlY7r9Vad0NP/7xJxf+vcDqjWaGWHOcIrj+rcP5aqQQcHtbSLsElp2kRNRPBL5unWbq6bExVPZB49HHM+Y/fWSVL19q7KSJhYPHfikcME0r0mCYB4S/VnJwnIvpiqz6s7Dpnk3wDCy65B3WQLwBVWA9oh6ojNM/g+87YnoMTKRx1KoFqosKNfBp1c1I8XjXusGOW/VlGnMb6wHhUVdwi9K7FfUgxj2pnV+M1Xv9rYs6RAi4V1OcUPqdT5geHsxWa09sk+AEHSUm1EFnAvx7PhIkugpNwST7yPKHf0+iyei4qUQCBZtfQVOI4mLZTRfQuyVo3YuJfvHaNPYY34/1ZCZGCKeu+HS6WHs1vGUyKxSi8v4JJqog2VOlWruf8pMGg+syuAFwuxiCnWsSXgaaUfe9JrBAFjBxUmNP9DzR1bbkwxkJnthacu7jALXjGsubjSSSl955QgenV/ZpODHgWDPg0fe6qGILtk+kXLjyfSsoR/qgzE5W5OAyZq8W64h01KAt9Q283N7/2nogy6keiIWL3qjPolWnrchSP7iJUatM2YiTcpkNKnJ70UE05cdw3swuNe7zqD51MdOX3rAioEOFgOIFMSrxMVX+V4XK7sa5o43smN8lHoa+0AogQMuIrC7k2axdRbulSSNfyqVAZIT4qS0cItiv3aPXsdDKkkA0=";

    #[test]
    fn sipgates_own_test_vector_verifies() {
        assert!(PublicKey::sipgate().verify(VECTOR_BODY.as_bytes(), VECTOR_SIGNATURE));
    }

    #[test]
    fn one_changed_byte_or_a_garbled_header_fails() {
        let key = PublicKey::sipgate();
        let altered = VECTOR_BODY.replace("123456789", "123456779");
        assert!(!key.verify(altered.as_bytes(), VECTOR_SIGNATURE));
        assert!(!key.verify(VECTOR_BODY.as_bytes(), "fakeSignature"));
        assert!(!key.verify(VECTOR_BODY.as_bytes(), ""));
        assert!(!key.verify(VECTOR_BODY.as_bytes(), "!!!"));
    }

    #[test]
    fn a_pem_that_is_no_key_is_refused() {
        assert!(
            PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
                .is_none()
        );
        assert!(PublicKey::from_pem("").is_none());
    }
}
