//! A frame for clients: one message of the protocol, encoded once as the
//! very bytes the server writes — the WebSocket header and the JSON in one
//! buffer — and shared by every client that gets it. Writing it to a socket
//! is then one contiguous slice, with no copy and no header to add per client.

use std::sync::Arc;

/// Room kept before the JSON for the longest header (RFC 6455, 5.2).
const MAX_HEADER: usize = 10;

/// WebSocket opcodes the server sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opcode {
    /// A message of the protocol.
    Text = 0x1,
    /// The last frame.
    Close = 0x8,
    /// Are you there?
    Ping = 0x9,
    /// The answer to a ping.
    Pong = 0xA,
}

/// A final, unmasked frame's header for a payload of `len` bytes, in the
/// shortest of the three length forms; returns the bytes and how many count.
pub fn header(opcode: Opcode, len: usize) -> ([u8; MAX_HEADER], usize) {
    let mut bytes = [0u8; MAX_HEADER];
    bytes[0] = 0x80 | opcode as u8;
    let used = if len < 126 {
        bytes[1] = len as u8;
        2
    } else if let Ok(short) = u16::try_from(len) {
        bytes[1] = 126;
        bytes[2..4].copy_from_slice(&short.to_be_bytes());
        4
    } else {
        bytes[1] = 127;
        bytes[2..10].copy_from_slice(&(len as u64).to_be_bytes());
        10
    };
    (bytes, used)
}

/// A text frame, header and JSON, ready to write; cheap to clone.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    /// `MAX_HEADER` bytes of room, the header at its end, then the JSON.
    buffer: Arc<[u8]>,
    /// Where the header starts in `buffer`.
    start: u8,
}

impl Frame {
    /// A text frame holding `json`.
    pub fn text(json: &str) -> Frame {
        Frame::write_json(|out| out.extend_from_slice(json.as_bytes()))
    }

    /// A text frame of what `write` appends (valid UTF-8, one JSON value).
    pub fn write_json(write: impl FnOnce(&mut Vec<u8>)) -> Frame {
        let mut buffer = vec![0u8; MAX_HEADER];
        write(&mut buffer);
        let (header, used) = header(Opcode::Text, buffer.len() - MAX_HEADER);
        let start = MAX_HEADER - used;
        buffer[start..MAX_HEADER].copy_from_slice(&header[..used]);
        Frame {
            buffer: Arc::from(buffer),
            start: start as u8,
        }
    }

    /// The bytes to write: header and JSON.
    pub fn wire(&self) -> &[u8] {
        &self.buffer[usize::from(self.start)..]
    }

    /// The JSON, as bytes.
    pub fn json(&self) -> &[u8] {
        &self.buffer[MAX_HEADER..]
    }

    /// The JSON (checked again: for tests and logs, not the hot path).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.json()).expect("a frame holds UTF-8 JSON")
    }
}

impl From<&str> for Frame {
    fn from(json: &str) -> Frame {
        Frame::text(json)
    }
}

impl From<String> for Frame {
    fn from(json: String) -> Frame {
        Frame::text(&json)
    }
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Frame").field(&self.as_str()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_use_the_shortest_length_form() {
        let short = |opcode, len| {
            let (bytes, used) = header(opcode, len);
            bytes[..used].to_vec()
        };
        assert_eq!(short(Opcode::Text, 5), [0x81, 5]);
        assert_eq!(short(Opcode::Text, 125), [0x81, 125]);
        assert_eq!(short(Opcode::Text, 126), [0x81, 126, 0, 126]);
        assert_eq!(short(Opcode::Close, 65_535), [0x88, 126, 0xff, 0xff]);
        assert_eq!(
            short(Opcode::Ping, 65_536),
            [0x89, 127, 0, 0, 0, 0, 0, 1, 0, 0]
        );
    }

    #[test]
    fn a_frame_is_its_header_then_its_json() {
        let frame = Frame::text(r#"{"type":"x"}"#);
        assert_eq!(frame.wire()[..2], [0x81, 12]);
        assert_eq!(&frame.wire()[2..], br#"{"type":"x"}"#);
        assert_eq!(frame.as_str(), r#"{"type":"x"}"#);
        let long = Frame::from("é".repeat(100));
        assert_eq!(long.wire()[..4], [0x81, 126, 0, 200]);
        assert_eq!(long.json().len(), 200);
    }
}
