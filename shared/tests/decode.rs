//! Decoding what a client sends never panics, whatever the bytes, and what
//! decodes writes back to JSON that decodes to the same message. The CI
//! counterpart of the `client_msg` fuzz target (`fuzz/`, see
//! `docs/reliability.md`): random strings, and valid messages mutated byte by
//! byte so that the decoder is pushed along its real paths.

use proptest::prelude::*;
use ruche_shared::protocol::ClientMsg;

/// Valid messages of every kind, to mutate.
const SEEDS: &[&str] = &[
    r#"{"type":"hello","protocol":1,"auth":{"as":"join_table","code":"482913","name":"Table 4"}}"#,
    r#"{"type":"hello","protocol":1,"auth":{"as":"join_table","code":"482913","name":"Table 4","token":"0123456789abcdef0123456789abcdef"}}"#,
    r#"{"type":"hello","protocol":1,"auth":{"as":"rejoin_table","code":"482913","token":"9b0e41aa"},"last_seq":57}"#,
    r#"{"type":"hello","protocol":1,"auth":{"as":"facilitator","workshop":"wk","secret":"s"}}"#,
    r#"{"type":"hello","protocol":1,"auth":{"as":"wall","code":"482913"}}"#,
    r#"{"type":"command","op":"a1","command":{"type":"set_vote","item":"i3","points":2}}"#,
    r#"{"type":"command","op":"a2","command":{"type":"set_score","seat":1,"item":0,"criterion":2,"score":7}}"#,
    r#"{"type":"command","op":"a3","command":{"type":"merge_items","items":["i1","c2"],"title":"Vélo"}}"#,
    r#"{"type":"command","op":"a4","command":{"type":"submit_idea","text":"Un café"}}"#,
    r#"{"type":"command","op":"a5","command":{"type":"open_step","duration_secs":600}}"#,
    r#"{"type":"resync"}"#,
];

/// Decodes, and if that works, checks the message survives a round trip.
fn check(text: &str) {
    if let Ok(message) = serde_json::from_str::<ClientMsg>(text) {
        let written = serde_json::to_string(&message).expect("a decoded message encodes");
        let again: ClientMsg = serde_json::from_str(&written).expect("what we write decodes");
        assert_eq!(again, message, "round trip of {text:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000)
    ))]

    #[test]
    fn any_text_decodes_or_is_refused_without_panicking(text in ".{0,200}") {
        check(&text);
    }

    #[test]
    fn mutated_messages_decode_or_are_refused_without_panicking(
        seed in 0..SEEDS.len(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0..3_u8), 1..6),
    ) {
        let mut bytes = SEEDS[seed].as_bytes().to_vec();
        for (at, byte, kind) in edits {
            let at = at % (bytes.len() + 1);
            match kind {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ if at < bytes.len() => { bytes.remove(at); }
                _ => {}
            }
        }
        // The server only decodes valid UTF-8 (a text frame is checked first).
        if let Ok(text) = std::str::from_utf8(&bytes) {
            check(text);
        }
    }
}

#[test]
fn every_seed_is_a_valid_message() {
    for seed in SEEDS {
        assert!(
            serde_json::from_str::<ClientMsg>(seed).is_ok(),
            "{seed} must decode, or the mutations start from nothing"
        );
    }
}
