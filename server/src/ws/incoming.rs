//! What came in on a socket: socket events sorted by their type (not by the
//! text of an error), and a text message parsed into a [`ClientMsg`], telling
//! a malformed message from an unknown one and keeping the operation id of a
//! command that cannot be read, so that it still gets its one answer.

use ruche_shared::Lang;
use ruche_shared::protocol::{ClientMsg, ErrorCode, OpId, ServerMsg};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::hub::{Frame, fanout};

/// Longest operation id accepted.
pub const MAX_OP_ID_LEN: usize = 64;

/// What the reader made of one socket event.
pub enum Incoming {
    /// A text message, to parse.
    Text(String),
    /// A ping: answered with its payload.
    Ping(Vec<u8>),
    /// A pong: nothing to do.
    Ignore,
    /// A binary message: the protocol is JSON text.
    Binary,
    /// A message or frame over the size limit: the connection ends.
    TooLarge,
    /// The client closed, or the socket failed.
    Closed,
}

impl From<Option<Result<Message, tungstenite::Error>>> for Incoming {
    fn from(next: Option<Result<Message, tungstenite::Error>>) -> Self {
        match next {
            Some(Ok(Message::Text(text))) => Incoming::Text(text.to_string()),
            Some(Ok(Message::Binary(_))) => Incoming::Binary,
            Some(Ok(Message::Ping(payload))) => Incoming::Ping(payload.to_vec()),
            Some(Ok(Message::Pong(_) | Message::Frame(_))) => Incoming::Ignore,
            Some(Ok(Message::Close(_))) | None => Incoming::Closed,
            Some(Err(tungstenite::Error::Capacity(_))) => Incoming::TooLarge,
            Some(Err(error)) => {
                tracing::debug!(%error, "socket error");
                Incoming::Closed
            }
        }
    }
}

/// A text message that is not a message of the protocol.
#[derive(Debug)]
pub struct Unreadable {
    /// `malformed_message` or `unknown_message_type`.
    pub code: ErrorCode,
    /// What is wrong, for a developer (serde's words).
    pub detail: String,
    /// The operation id, if the message is a command whose `op` could be read.
    pub op: Option<OpId>,
}

impl Unreadable {
    /// The error frame answering it, with a sentence in the workshop's language.
    pub fn frame(&self, lang: Lang) -> Frame {
        error_frame(
            self.code,
            format!("{} ({})", self.code.sentence(lang), self.detail),
            self.op.clone(),
        )
    }
}

/// An error message for the client.
pub fn error_frame(code: ErrorCode, message: impl Into<String>, op: Option<OpId>) -> Frame {
    fanout::encode(&ServerMsg::Error {
        code,
        message: message.into(),
        op,
        violation: None,
    })
}

/// Parses a client message, telling a malformed one from an unknown type. A
/// command whose operation id is too long or empty is malformed too.
pub fn parse(text: &str) -> Result<ClientMsg, Unreadable> {
    match serde_json::from_str::<ClientMsg>(text) {
        Ok(ClientMsg::Command { op, .. }) if op.0.is_empty() || op.0.len() > MAX_OP_ID_LEN => {
            Err(Unreadable {
                code: ErrorCode::MalformedMessage,
                detail: format!("op must have 1 to {MAX_OP_ID_LEN} characters"),
                op: Some(op),
            })
        }
        Ok(message) => Ok(message),
        Err(error) => {
            let value = serde_json::from_str::<serde_json::Value>(text).ok();
            let field = |name: &str| {
                value
                    .as_ref()
                    .and_then(|v| v.get(name))
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            let kind = field("type");
            let known = ["hello", "command", "resync"];
            let code = match &kind {
                Some(kind) if !known.contains(&kind.as_str()) => ErrorCode::UnknownMessageType,
                _ => ErrorCode::MalformedMessage,
            };
            let detail = match (&kind, code) {
                (Some(kind), ErrorCode::UnknownMessageType) => {
                    format!("unknown message type {kind:?}")
                }
                _ => error.to_string(),
            };
            // A command with a bad value still has an op to answer.
            let op = (kind.as_deref() == Some("command"))
                .then(|| field("op"))
                .flatten()
                .map(OpId);
            Err(Unreadable { code, detail, op })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_messages_are_told_apart() {
        let code = |text| parse(text).unwrap_err().code;
        assert_eq!(code("{"), ErrorCode::MalformedMessage);
        assert_eq!(code(r#"{"type":"dance"}"#), ErrorCode::UnknownMessageType);
        assert_eq!(code(r#"{"type":"command"}"#), ErrorCode::MalformedMessage);
        assert!(matches!(
            parse(r#"{"type":"resync"}"#),
            Ok(ClientMsg::Resync)
        ));
    }

    #[test]
    fn a_command_with_a_bad_value_keeps_its_op() {
        for bad in [
            r#"{"type":"set_score","seat":1,"item":0,"criterion":0,"score":-1}"#,
            r#"{"type":"set_score","seat":1,"item":0,"criterion":0,"score":7.5}"#,
            r#"{"type":"set_score","seat":1,"item":0,"criterion":0,"score":"7"}"#,
            r#"{"type":"set_vote","item":"i1","points":-1}"#,
            r#"{"type":"set_vote","item":"x3","points":1}"#,
        ] {
            let text = format!(r#"{{"type":"command","op":"op-7","command":{bad}}}"#);
            let unreadable = parse(&text).unwrap_err();
            assert_eq!(unreadable.code, ErrorCode::MalformedMessage, "{bad}");
            assert_eq!(unreadable.op, Some(OpId("op-7".into())), "{bad}");
        }
        let long = "x".repeat(MAX_OP_ID_LEN + 1);
        let text =
            format!(r#"{{"type":"command","op":"{long}","command":{{"type":"close_step"}}}}"#);
        assert_eq!(parse(&text).unwrap_err().op, Some(OpId(long)));
        // No readable op: nothing to answer to.
        let text = r#"{"type":"command","op":7,"command":{"type":"close_step"}}"#;
        assert_eq!(parse(text).unwrap_err().op, None);
    }
}
