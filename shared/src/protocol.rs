//! The wire protocol between the server and its clients, as JSON text frames
//! over one WebSocket. [`ClientMsg`] goes up (client → server), [`ServerMsg`]
//! comes down. `docs/protocol.md` shows an example of every message; a test
//! checks that each example parses to the message it documents.

use serde::{Deserialize, Serialize};

use crate::command::{Command, Role};
use crate::config::Lang;
use crate::event::Event;
use crate::ids::TableId;
use crate::methods::budget_vote::histogram::VoteHistogram;
use crate::methods::dot_vote::tally::DotTally;
use crate::methods::scoring::results::ScoringResults;
use crate::views::participation::Participation;
use crate::views::workshop_view::WorkshopView;
use crate::violation::RuleViolation;
use crate::workshop::Workshop;

/// The protocol's version. A client sends it in [`ClientMsg::Hello`]; a
/// server that speaks another one answers [`ErrorCode::UnsupportedProtocol`].
pub const PROTOCOL_VERSION: u32 = 2;

/// A client's id for one operation, chosen by the client (a UUID, at most 64
/// characters). Sending a command again with the same id gets the first answer
/// again and changes nothing: that is how a tablet retries safely after a
/// dropped connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OpId(pub String);

/// The position of an event in its workshop's log: 1 for the first event, then
/// +1 for each. A client remembers the last one it saw to catch up after a reconnect.
pub type Seq = u64;

/// How a connection says who it is, in its first message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "as", rename_all = "snake_case")]
pub enum Auth {
    /// The facilitator, with the secret shown once when the workshop was created.
    Facilitator {
        /// The workshop's id.
        workshop: String,
        /// The facilitator secret.
        secret: String,
    },
    /// A tablet joining as a new table.
    JoinTable {
        /// The join code shown on the wall.
        code: String,
        /// The table's name, e.g. "Table 4".
        name: String,
        /// A token the tablet chose itself (32 to 64 hexadecimal digits from a
        /// secure random source), kept before joining. If the connection drops
        /// before the welcome arrives, sending the same join again finds the
        /// table it created instead of a "name taken". Without it, the server
        /// chooses the token and sends it in the welcome.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
    },
    /// A tablet coming back as the table it joined as (after a reload or a lost connection).
    RejoinTable {
        /// The join code.
        code: String,
        /// The table token it got in its [`ServerMsg::Welcome`].
        token: String,
    },
    /// A new tablet taking over a table whose tablet failed, with the
    /// handover code the facilitator got for that table (`POST
    /// /api/workshops/{id}/tables/{table}/handover`). The code works once,
    /// for ten minutes; the table's old token stops working, and the old
    /// tablet, if still connected, gets [`ErrorCode::TableTakenOver`].
    TakeOverTable {
        /// The join code.
        code: String,
        /// The handover code (8 digits).
        handover: String,
        /// The tablet's new token, chosen as for [`Auth::JoinTable`]: sending
        /// the same takeover again after a lost welcome finds the table.
        token: String,
    },
    /// The wall screen: read-only.
    Wall {
        /// The join code.
        code: String,
    },
}

/// A message from a client to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// Sent first, once per connection: who this is, and the last event seen
    /// (after a reconnect) so the server sends only what was missed.
    Hello {
        /// [`PROTOCOL_VERSION`].
        protocol: u32,
        /// Credentials.
        auth: Auth,
        /// The last sequence number this client saw, if it saw any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_seq: Option<Seq>,
    },
    /// A command for the workshop, answered by [`ServerMsg::Accepted`] or [`ServerMsg::Rejected`].
    Command {
        /// The operation's id, for safe retries.
        op: OpId,
        /// The command.
        command: Command,
    },
    /// Asks for a fresh [`ServerMsg::Snapshot`] (e.g. when the client is unsure of its state).
    Resync,
}

/// A protocol-level error: about the message or the connection, not about the
/// workshop's rules (those are [`RuleViolation`]s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The text is not valid JSON, or not a message of this protocol.
    MalformedMessage,
    /// The JSON's `type` is not a message this server knows.
    UnknownMessageType,
    /// The message is larger than the server accepts.
    MessageTooLarge,
    /// A binary frame: the protocol is JSON text only.
    BinaryNotSupported,
    /// Too many messages too fast; slow down.
    RateLimited,
    /// A command before [`ClientMsg::Hello`].
    NotAuthenticated,
    /// A second [`ClientMsg::Hello`] on the same connection.
    AlreadyAuthenticated,
    /// Unknown join code, workshop, secret or token.
    BadCredentials,
    /// Too many join attempts from this address: wait a minute.
    TooManyJoinAttempts,
    /// The workshop's rules refused the join (name taken, joining locked):
    /// `violation` says which.
    JoinRefused,
    /// This workshop already has as many screens of this kind open as it
    /// may (facilitator consoles, walls, or one table's tablets): close one.
    TooManyScreens,
    /// Another tablet took this table over (the facilitator's handover
    /// code): this one is let go, and its token no longer works.
    TableTakenOver,
    /// The client speaks another version of the protocol.
    UnsupportedProtocol,
    /// The server is shutting down: reconnect in a moment.
    ShuttingDown,
    /// Something went wrong on the server; the operation was not applied.
    Internal,
}

impl ErrorCode {
    /// A sentence for the person holding the screen, in the workshop's language.
    pub fn sentence(self, lang: Lang) -> &'static str {
        use ErrorCode as E;
        match (self, lang) {
            (E::MalformedMessage, Lang::Fr) => "Ce message n'a pas pu être lu.",
            (E::MalformedMessage, Lang::En) => "This message could not be read.",
            (E::UnknownMessageType, Lang::Fr) => "Ce type de message est inconnu.",
            (E::UnknownMessageType, Lang::En) => "This kind of message is unknown.",
            (E::MessageTooLarge, Lang::Fr) => "Ce message est trop long.",
            (E::MessageTooLarge, Lang::En) => "This message is too long.",
            (E::BinaryNotSupported, Lang::Fr) => "Seuls les messages texte sont acceptés.",
            (E::BinaryNotSupported, Lang::En) => "Only text messages are accepted.",
            (E::RateLimited, Lang::Fr) => "Trop de messages à la fois : ralentissez.",
            (E::RateLimited, Lang::En) => "Too many messages at once: slow down.",
            (E::NotAuthenticated, Lang::Fr) => "Présentez-vous d'abord (hello).",
            (E::NotAuthenticated, Lang::En) => "Say hello first.",
            (E::AlreadyAuthenticated, Lang::Fr) => "Cette connexion s'est déjà présentée.",
            (E::AlreadyAuthenticated, Lang::En) => "This connection has already said hello.",
            (E::BadCredentials, Lang::Fr) => "Code, lien ou jeton inconnu.",
            (E::BadCredentials, Lang::En) => "Unknown code, link or token.",
            (E::TooManyJoinAttempts, Lang::Fr) => "Trop d'essais : attendez une minute.",
            (E::TooManyJoinAttempts, Lang::En) => "Too many attempts: wait a minute.",
            (E::TooManyScreens, Lang::Fr) => {
                "Trop d'écrans ouverts pour cet atelier : fermez-en un, puis rechargez."
            }
            (E::TooManyScreens, Lang::En) => {
                "Too many screens are open for this workshop: close one, then reload."
            }
            (E::TableTakenOver, Lang::Fr) => "Cette table continue sur une autre tablette.",
            (E::TableTakenOver, Lang::En) => "This table continues on another tablet.",
            (E::JoinRefused, Lang::Fr) => "Impossible de rejoindre l'atelier.",
            (E::JoinRefused, Lang::En) => "The workshop cannot be joined.",
            (E::UnsupportedProtocol, Lang::Fr) => {
                "Cette application n'est pas à jour : rechargez la page."
            }
            (E::UnsupportedProtocol, Lang::En) => "This app is out of date: reload the page.",
            (E::ShuttingDown, Lang::Fr) => "Le serveur redémarre : reconnexion dans un instant.",
            (E::ShuttingDown, Lang::En) => "The server is restarting: reconnecting in a moment.",
            (E::Internal, Lang::Fr) => {
                "Le serveur n'a pas pu l'enregistrer ; rien n'a été appliqué."
            }
            (E::Internal, Lang::En) => "The server could not record this; nothing was applied.",
        }
    }
}

/// One event and its place in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequencedEvent {
    /// Its sequence number.
    pub seq: Seq,
    /// The event.
    pub event: Event,
}

/// A message from the server to a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// The answer to a good [`ClientMsg::Hello`]. Followed by a
    /// [`ServerMsg::Snapshot`] or, after a reconnect with a recent `last_seq`,
    /// by the missed [`ServerMsg::Events`].
    Welcome {
        /// [`PROTOCOL_VERSION`].
        protocol: u32,
        /// The workshop's id.
        workshop: String,
        /// Who this connection is.
        role: Role,
        /// The table's token, sent once, to a table that just joined: keep it
        /// (local storage) to rejoin as the same table.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        table_token: Option<String>,
        /// The workshop's join code, sent to the facilitator (whose console
        /// shows it); tables and the wall joined with it already.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        join_code: Option<String>,
    },
    /// The whole workshop as this role may see it, up to `seq`.
    Snapshot {
        /// The last event it includes.
        seq: Seq,
        /// The workshop as this connection may see it (rebuild an engine
        /// workshop with [`Workshop::from_view`]).
        workshop: Box<WorkshopView>,
    },
    /// Events in order, each to apply to the client's copy (live, or to catch up).
    Events {
        /// The events.
        events: Vec<SequencedEvent>,
    },
    /// A command was accepted; its events are in the log up to `seq`.
    Accepted {
        /// The operation's id.
        op: OpId,
        /// The sequence number of its last event.
        seq: Seq,
    },
    /// A command broke a rule; nothing changed.
    Rejected {
        /// The operation's id.
        op: OpId,
        /// The rule and its numbers. (The browser client shows `message`
        /// and does not read this: left out of its decoder, which keeps the
        /// violations' decoding out of every tablet's download. Reads as
        /// `not_allowed_for_role` there.)
        #[cfg_attr(
            target_arch = "wasm32",
            serde(skip_deserializing, default = "RuleViolation::unread")
        )]
        violation: RuleViolation,
        /// A sentence for the person, in the workshop's language.
        message: String,
    },
    /// Live results, at most one per client per coalescing window.
    Results {
        /// The last event these results include.
        seq: Seq,
        /// The latest vote's histogram, if there is a vote by now.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        votes: Option<VoteHistogram>,
        /// The latest scoring's results, if there is a scoring by now.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scores: Option<ScoringResults>,
        /// The latest dot vote's histogram, if there is a dot vote by now.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dots: Option<DotTally>,
        /// Who is taking part (facilitator only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        participation: Option<Participation>,
    },
    /// Which tables have a tablet connected right now (facilitator only): sent
    /// when the facilitator connects, then whenever it changes (at most once
    /// per coalescing window).
    Presence {
        /// The tables online, by id.
        online: Vec<TableId>,
    },
    /// A protocol error; the connection stays open unless the code says otherwise.
    Error {
        /// What went wrong.
        code: ErrorCode,
        /// A sentence for a developer or a log.
        message: String,
        /// The operation it concerns, if the message carried one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        op: Option<OpId>,
        /// For `join_refused`: the rule that refused it, with its code and
        /// numbers. (The browser client shows `message`, in the workshop's
        /// language: its decoder leaves this out, as for `rejected`.)
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
        violation: Option<RuleViolation>,
    },
}

impl ServerMsg {
    /// The live results of every method the workshop has reached, each from
    /// its latest step; with participation for the facilitator.
    pub fn results(workshop: &Workshop, seq: Seq, with_participation: bool) -> ServerMsg {
        ServerMsg::Results {
            seq,
            votes: workshop
                .latest_vote_step()
                .and_then(|step| workshop.vote_histogram(step)),
            scores: workshop
                .latest_scoring_step()
                .and_then(|step| workshop.scoring_results(step)),
            dots: workshop
                .latest_dot_step()
                .and_then(|step| workshop.dot_tally(step)),
            participation: with_participation.then(|| workshop.participation()),
        }
    }
}
