use proptest::prelude::*;

use super::*;

const LOCATION_A: &[u8] = b"0196f3a2-7c1e-7d40-9a55-2f1c9e0b7a11";
const LOCATION_B: &[u8] = b"0196f3a2-7c1e-7d40-9a55-2f1c9e0b7a12";
const KEY: &str = "3f1e2d4c-5b6a-4978-8695-a4b3c2d1e0f9";

fn secret_box() -> SecretBox {
    SecretBox::new(&MasterKey::generate())
}

#[test]
fn a_sealed_key_opens_with_its_context() {
    let sb = secret_box();
    let sealed = sb.seal(KEY.as_bytes(), LOCATION_A);
    assert_eq!(sb.open(&sealed, LOCATION_A).unwrap(), KEY.as_bytes());
    assert_eq!(sealed.len(), MIN_SEALED_LEN + KEY.len());
    assert_eq!(sealed[0], FORMAT_VERSION);
}

#[test]
fn an_empty_secret_round_trips() {
    let sb = secret_box();
    let sealed = sb.seal(b"", LOCATION_A);
    assert_eq!(sealed.len(), MIN_SEALED_LEN);
    assert_eq!(sb.open(&sealed, LOCATION_A).unwrap(), b"");
}

#[test]
fn the_sealed_form_does_not_contain_the_plaintext() {
    let sb = secret_box();
    let sealed = sb.seal(KEY.as_bytes(), LOCATION_A);
    assert!(
        !sealed
            .windows(KEY.len())
            .any(|window| window == KEY.as_bytes())
    );
}

#[test]
fn sealing_twice_uses_fresh_nonces() {
    let sb = secret_box();
    let first = sb.seal(KEY.as_bytes(), LOCATION_A);
    let second = sb.seal(KEY.as_bytes(), LOCATION_A);
    assert_ne!(first, second);
    let nonce = |sealed: &[u8]| sealed[HEADER_LEN..HEADER_LEN + NONCE_LEN].to_vec();
    assert_ne!(nonce(&first), nonce(&second));
}

#[test]
fn a_ciphertext_copied_to_another_location_does_not_open() {
    let sb = secret_box();
    let sealed = sb.seal(KEY.as_bytes(), LOCATION_A);
    let err = sb.open(&sealed, LOCATION_B).unwrap_err();
    assert_eq!(err, OpenError::WrongContextOrTampered);
    assert!(err.to_string().contains("another record"), "{err}");
    assert_eq!(
        sb.open(&sealed, b"").unwrap_err(),
        OpenError::WrongContextOrTampered
    );
}

#[test]
fn tampering_with_any_byte_is_detected() {
    let sb = secret_box();
    let sealed = sb.seal(KEY.as_bytes(), LOCATION_A);
    for index in 0..sealed.len() {
        let mut altered = sealed.clone();
        altered[index] ^= 0x01;
        let expected = match index {
            0 => OpenError::Malformed,
            1..HEADER_LEN => OpenError::OtherMasterKey,
            // nonce, ciphertext and tag
            _ => OpenError::WrongContextOrTampered,
        };
        assert_eq!(
            sb.open(&altered, LOCATION_A),
            Err(expected),
            "byte {index} altered"
        );
    }
}

#[test]
fn a_forged_fingerprint_does_not_help() {
    // The fingerprint is authenticated: writing the right one onto another key's value fails.
    let sb = secret_box();
    let other = secret_box();
    let mut sealed = other.seal(KEY.as_bytes(), LOCATION_A);
    sealed[1..HEADER_LEN].copy_from_slice(&sb.fingerprint());
    assert_eq!(
        sb.open(&sealed, LOCATION_A),
        Err(OpenError::WrongContextOrTampered)
    );
}

#[test]
fn the_header_is_part_of_the_authenticated_data() {
    // With one format version and one key per box, an altered header is already caught by
    // the checks before decryption; this pins that the tag covers it too (SPEC §4 rotation).
    let sb = secret_box();
    let sealed = sb.seal(KEY.as_bytes(), LOCATION_A);
    let (header, rest) = sealed.split_at(HEADER_LEN);
    let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
    let nonce = aes_gcm::Nonce::try_from(nonce).unwrap();
    let decrypt = |aad: &[u8]| {
        sb.cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .ok()
    };
    assert_eq!(decrypt(LOCATION_A), None);
    assert_eq!(
        decrypt(&[header, LOCATION_A].concat()).as_deref(),
        Some(KEY.as_bytes())
    );
}

#[test]
fn truncated_and_extended_values_are_refused() {
    let sb = secret_box();
    let sealed = sb.seal(KEY.as_bytes(), LOCATION_A);
    for len in 0..MIN_SEALED_LEN {
        assert_eq!(
            sb.open(&sealed[..len], LOCATION_A),
            Err(OpenError::Malformed),
            "{len} bytes"
        );
    }
    for len in MIN_SEALED_LEN..sealed.len() {
        assert_eq!(
            sb.open(&sealed[..len], LOCATION_A),
            Err(OpenError::WrongContextOrTampered),
            "{len} bytes"
        );
    }
    let mut extended = sealed.clone();
    extended.push(0);
    assert_eq!(
        sb.open(&extended, LOCATION_A),
        Err(OpenError::WrongContextOrTampered)
    );
}

#[test]
fn another_master_key_is_named_as_the_cause() {
    let sealed = secret_box().seal(KEY.as_bytes(), LOCATION_A);
    let err = secret_box().open(&sealed, LOCATION_A).unwrap_err();
    assert_eq!(err, OpenError::OtherMasterKey);
    assert!(err.to_string().contains("another master key"), "{err}");
}

#[test]
fn the_same_master_key_gives_the_same_box() {
    let master = MasterKey::generate();
    let sealed = SecretBox::new(&master).seal(KEY.as_bytes(), LOCATION_A);
    let again = SecretBox::new(&MasterKey::from_base64(&master.to_base64()).unwrap());
    assert_eq!(again.open(&sealed, LOCATION_A).unwrap(), KEY.as_bytes());
    assert_eq!(again.fingerprint(), SecretBox::new(&master).fingerprint());
}

#[test]
fn the_fingerprint_identifies_the_key_without_revealing_it() {
    let master = MasterKey::generate();
    let sb = SecretBox::new(&master);
    let fingerprint = sb.fingerprint();
    assert_ne!(fingerprint, secret_box().fingerprint());
    assert!(
        !master
            .bytes()
            .windows(FINGERPRINT_LEN)
            .any(|window| window == fingerprint)
    );
    let sealed = sb.seal(KEY.as_bytes(), LOCATION_A);
    assert_eq!(SecretBox::fingerprint_of(&sealed), Some(fingerprint));
    assert_eq!(SecretBox::fingerprint_of(&sealed[..10]), None);
    assert_eq!(SecretBox::fingerprint_of(b""), None);
}

#[test]
fn the_key_check_detects_a_wrong_master_key() {
    let sb = secret_box();
    let stored = sb.key_check_value();
    assert_eq!(sb.verify_key_check(&stored), Ok(()));
    assert_eq!(
        secret_box().verify_key_check(&stored),
        Err(OpenError::OtherMasterKey)
    );
    assert_eq!(sb.verify_key_check(b"garbage"), Err(OpenError::Malformed));
    // A value sealed for a record is not a key check, even under the right key.
    let not_a_check = sb.seal(KEY_CHECK_MARKER, LOCATION_A);
    assert_eq!(
        sb.verify_key_check(&not_a_check),
        Err(OpenError::WrongContextOrTampered)
    );
    let other_marker = sb.seal(b"something else", KEY_CHECK_CONTEXT);
    assert_eq!(
        sb.verify_key_check(&other_marker),
        Err(OpenError::WrongContextOrTampered)
    );
}

#[test]
fn debug_never_shows_key_material() {
    let master = MasterKey::generate();
    let sb = SecretBox::new(&master);
    let shown = format!("{sb:?} {:?}", OpenError::OtherMasterKey);
    assert_eq!(shown, "SecretBox(***) OtherMasterKey");
    assert!(!shown.contains(&master.to_base64()));
    assert!(!shown.contains(&hex::encode(sb.fingerprint())));
}

#[test]
fn an_acculynx_key_is_never_printed() {
    let key = AccuLynxKey::new(format!("{KEY}\n"));
    assert_eq!(format!("{key:?} {key}"), "*** ***");
    assert_eq!(format!("{:?}", Some(&key)), "Some(***)");
    assert_eq!(key.expose(), KEY);
    assert_eq!(key.last4(), "e0f9");
}

#[test]
fn an_acculynx_key_loses_only_its_trailing_newline() {
    assert_eq!(
        AccuLynxKey::new("abcd-1234\r\n".into()).expose(),
        "abcd-1234"
    );
    assert_eq!(AccuLynxKey::new("abcd-1234".into()).expose(), "abcd-1234");
    assert_eq!(
        AccuLynxKey::new("  ab cd-1234 \n".into()).expose(),
        "  ab cd-1234 "
    );
}

#[test]
fn last4_never_shows_most_of_a_short_key() {
    assert_eq!(AccuLynxKey::new("1234567".into()).last4(), "");
    assert_eq!(AccuLynxKey::new(String::new()).last4(), "");
    assert_eq!(AccuLynxKey::new("12345678".into()).last4(), "5678");
    assert_eq!(AccuLynxKey::new("ключ-ключ-éèêë".into()).last4(), "éèêë");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_open_and_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..128),
        context in proptest::collection::vec(any::<u8>(), 0..40),
    ) {
        let sb = secret_box();
        prop_assert!(sb.open(&bytes, &context).is_err());
        prop_assert!(sb.verify_key_check(&bytes).is_err());
    }

    #[test]
    fn any_secret_and_context_round_trip(
        secret in proptest::collection::vec(any::<u8>(), 0..256),
        context in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let sb = secret_box();
        let sealed = sb.seal(&secret, &context);
        prop_assert_eq!(sb.open(&sealed, &context).unwrap(), secret);
    }
}
