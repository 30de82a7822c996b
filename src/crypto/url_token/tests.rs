use proptest::prelude::*;

use super::*;

const LOCATION: &str = "0196f3a2-7c1e-7d40-9a55-2f1c9e0b7a11";
const OTHER_LOCATION: &str = "0196f3a2-7c1e-7d40-9a55-2f1c9e0b7a12";

fn signer() -> UrlSigner {
    UrlSigner::new(&UrlSigner::generate_secret())
}

/// The token with its decoded bytes changed by `change`, re-encoded.
fn altered(token: &str, change: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut bytes = URL_SAFE_NO_PAD.decode(token).unwrap();
    change(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn a_token_verifies_for_its_location_and_carries_its_version() {
    let signer = signer();
    for version in [1, 2, 7, i32::MAX] {
        let token = signer.token(LOCATION, version);
        assert_eq!(token.len(), TOKEN_LEN);
        assert_eq!(TOKEN_LEN, 32);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{token} is not base64url"
        );
        assert_eq!(signer.verify(LOCATION, &token), Some(version));
    }
}

#[test]
fn a_token_is_stable_for_the_same_secret_and_differs_across_secrets() {
    let secret = UrlSigner::generate_secret();
    let token = UrlSigner::new(&secret).token(LOCATION, 1);
    assert_eq!(UrlSigner::new(&secret).token(LOCATION, 1), token);
    assert_eq!(UrlSigner::new(&secret).verify(LOCATION, &token), Some(1));
    assert_eq!(signer().verify(LOCATION, &token), None);
    assert_ne!(UrlSigner::generate_secret(), secret);
}

#[test]
fn another_locations_token_is_refused() {
    let signer = signer();
    let token = signer.token(OTHER_LOCATION, 1);
    assert_eq!(signer.verify(LOCATION, &token), None);
    assert_eq!(signer.verify("", &token), None);
}

#[test]
fn a_token_with_another_version_written_in_is_refused() {
    let signer = signer();
    let token = signer.token(LOCATION, 1);
    for version in [0, 2, -1, i32::MAX] {
        let forged = altered(&token, |bytes| {
            bytes[..VERSION_LEN].copy_from_slice(&i32::to_be_bytes(version));
        });
        assert_eq!(signer.verify(LOCATION, &forged), None, "version {version}");
    }
    // The MAC of version 2 differs from that of version 1.
    assert_ne!(signer.token(LOCATION, 2)[6..], token[6..]);
}

#[test]
fn a_tampered_token_is_refused_at_every_bit() {
    let signer = signer();
    let token = signer.token(LOCATION, 3);
    for index in 0..TOKEN_BYTES {
        for bit in 0..8 {
            let forged = altered(&token, |bytes| bytes[index] ^= 1 << bit);
            assert_eq!(
                signer.verify(LOCATION, &forged),
                None,
                "byte {index} bit {bit}"
            );
        }
    }
}

#[test]
fn a_tampered_character_is_refused() {
    let signer = signer();
    let token = signer.token(LOCATION, 3);
    for index in 0..token.len() {
        let mut chars: Vec<char> = token.chars().collect();
        chars[index] = if chars[index] == 'A' { 'B' } else { 'A' };
        let forged: String = chars.into_iter().collect();
        assert_eq!(signer.verify(LOCATION, &forged), None, "character {index}");
    }
}

#[test]
fn truncated_and_extended_tokens_are_refused() {
    let signer = signer();
    let token = signer.token(LOCATION, 1);
    for len in 0..token.len() {
        assert_eq!(signer.verify(LOCATION, &token[..len]), None, "{len} chars");
    }
    for suffix in ["A", "=", "AAAA", "==", "\n", " "] {
        assert_eq!(signer.verify(LOCATION, &format!("{token}{suffix}")), None);
    }
    let longer = altered(&token, |bytes| bytes.push(0));
    assert_eq!(signer.verify(LOCATION, &longer), None);
}

#[test]
fn empty_and_non_base64_tokens_are_refused() {
    let signer = signer();
    let token = signer.token(LOCATION, 1);
    assert_eq!(signer.verify(LOCATION, ""), None);
    // Same length, other alphabets or padding.
    let standard =
        base64::engine::general_purpose::STANDARD.encode(URL_SAFE_NO_PAD.decode(&token).unwrap());
    if standard != token {
        assert_eq!(signer.verify(LOCATION, &standard), None);
    }
    for bad in ["+", "/", "=", "!", "é", " ", "%"] {
        let forged = format!("{bad}{}", &token[bad.len()..]);
        assert_eq!(signer.verify(LOCATION, &forged), None, "{bad:?}");
    }
    assert_eq!(signer.verify(LOCATION, &"*".repeat(TOKEN_LEN)), None);
}

#[test]
fn the_mac_depends_on_location_and_version() {
    let signer = signer();
    assert_ne!(signer.mac("ab", 1), signer.mac("a", 1));
    assert_ne!(signer.mac(LOCATION, 1), signer.mac(LOCATION, 2));
    assert_ne!(signer.mac("", 0), signer.mac("\0", 0));
}

#[test]
fn the_mac_is_plain_hmac_sha256_with_the_32_byte_secret() {
    let secret = UrlSigner::generate_secret();
    let expected = Hmac::<Sha256>::new_from_slice(&secret)
        .unwrap()
        .chain_update(DOMAIN_LABEL)
        .chain_update(u64::to_be_bytes(LOCATION.len() as u64))
        .chain_update(LOCATION)
        .chain_update(7i32.to_be_bytes())
        .finalize()
        .into_bytes();
    assert_eq!(
        UrlSigner::new(&secret).mac(LOCATION, 7),
        expected[..MAC_LEN]
    );
}

#[test]
fn debug_never_shows_the_secret() {
    let secret = UrlSigner::generate_secret();
    let shown = format!("{:?}", UrlSigner::new(&secret));
    assert_eq!(shown, "UrlSigner(***)");
    assert!(!shown.contains(&hex::encode(secret)));
}

proptest! {
    #[test]
    fn arbitrary_strings_never_verify_and_never_panic(token in ".*", location in ".{0,40}") {
        let signer = signer();
        prop_assert_eq!(signer.verify(&location, &token), None);
        prop_assert_eq!(signer.verify(LOCATION, &token), None);
    }

    #[test]
    fn arbitrary_base64url_tokens_never_verify(bytes in proptest::array::uniform24(any::<u8>())) {
        let signer = signer();
        let token = URL_SAFE_NO_PAD.encode(bytes);
        prop_assert_eq!(token.len(), TOKEN_LEN);
        prop_assert_eq!(signer.verify(LOCATION, &token), None);
    }

    #[test]
    fn every_location_and_version_round_trips(location in ".{0,64}", version in any::<i32>()) {
        let signer = signer();
        let token = signer.token(&location, version);
        prop_assert_eq!(signer.verify(&location, &token), Some(version));
    }
}
