//! Any bytes a client may send in a text frame: decoding never panics, and a
//! decoded message writes back to JSON that decodes to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ruche_shared::protocol::ClientMsg;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(message) = serde_json::from_str::<ClientMsg>(text) {
        let written = serde_json::to_string(&message).expect("a decoded message encodes");
        let again: ClientMsg = serde_json::from_str(&written).expect("what we write decodes");
        assert_eq!(again, message);
    }
});
