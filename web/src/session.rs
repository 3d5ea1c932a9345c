//! One screen's live connection to its workshop: the WebSocket, the local copy
//! of the workshop it keeps up to date, and the commands still waiting for an
//! answer.
//!
//! - It reconnects by itself with a growing delay (0.5 s doubling to 8 s, with
//!   jitter so a room of tablets does not come back in the same millisecond),
//!   and catches up from the last sequence number it saw.
//! - Every command gets an operation id and stays in the outbox (kept in local
//!   storage too) until the server answers; after a reconnect or a reload the
//!   outbox is sent again with the same ids, which the server counts once.
//!   What a reload brings back is sent as it was written, not decoded.
//! - Before sending, the command is checked by the same rules the server runs
//!   ([`Workshop::check`]): a refusal shows at once, without a round trip.

use std::time::Duration;

use leptos::prelude::*;
use ruche_shared::methods::budget_vote::histogram::VoteHistogram;
use ruche_shared::methods::dot_vote::tally::DotTally;
use ruche_shared::methods::scoring::results::ScoringResults;
use ruche_shared::protocol::{Auth, ClientMsg, ErrorCode, OpId, PROTOCOL_VERSION, Seq, ServerMsg};
use ruche_shared::{Command, Lang, Role, TableId, Workshop};
use serde_json::value::RawValue;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::browser;
use crate::i18n::texts;

/// The state of the connection, for the indicator every screen shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    /// Not started (e.g. a tablet still on its join form).
    Idle,
    /// Opening the socket or saying hello.
    Connecting,
    /// Welcomed by the server.
    Online,
    /// Lost; the next attempt is scheduled.
    Offline,
    /// The server refused who we said we are: retrying would not help.
    Refused(Refusal),
}

/// Why the server refused the connection.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// No workshop has this join code (or this id).
    UnknownWorkshop,
    /// The facilitator secret is wrong.
    BadSecret,
    /// The table's token is no longer valid: the tablet must join again.
    TableForgotten,
    /// The workshop's rules refused the join (name taken, joining locked…).
    JoinRefused(String),
    /// The handover code is wrong, spent or expired.
    HandoverRefused,
    /// Another tablet took this table over: this one is no longer it.
    TakenOver,
}

/// The latest results the server sent.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveResults {
    /// The latest vote's histogram.
    pub votes: Option<VoteHistogram>,
    /// The latest scoring's results.
    pub scores: Option<ScoringResults>,
    /// The latest dot vote's histogram.
    pub dots: Option<DotTally>,
}

impl LiveResults {
    /// The results of `workshop` as it is (the console computes its own from
    /// its full copy; the engine decides which methods have results).
    pub fn of(workshop: &Workshop) -> LiveResults {
        let ServerMsg::Results {
            votes,
            scores,
            dots,
            ..
        } = ServerMsg::results(workshop, 0, false)
        else {
            return LiveResults::default();
        };
        LiveResults {
            votes,
            scores,
            dots,
        }
    }
}

/// What a screen reads and calls. Cheap to copy into event handlers.
///
/// Screens read the signals; only the session writes them (the halves that
/// write are private), so what a screen shows always comes from the server or
/// from the session's own rules.
#[derive(Clone, Copy)]
pub struct Session {
    /// The connection's state.
    pub link: ReadSignal<Link>,
    /// The workshop as this role may see it, once the first snapshot arrived.
    pub workshop: ReadSignal<Option<Workshop>>,
    /// Who the server says we are.
    pub role: ReadSignal<Option<Role>>,
    /// The latest live results.
    pub results: ReadSignal<LiveResults>,
    /// Commands sent and not yet answered, with their operation ids, in the
    /// order they were sent: they are sent again in that order (two votes on
    /// one item must leave the last one).
    pub outbox: ReadSignal<Vec<(String, Command)>>,
    /// The workshop as it will be once the outbox is accepted: the local copy
    /// with the waiting commands applied by the engine. What the tablet shows
    /// and checks a new command against.
    pub projected: Memo<Option<Workshop>>,
    /// The last refusal or problem, in the workshop's language, to show the person.
    pub notice: ReadSignal<Option<String>>,
    /// The code tables type to join (the facilitator learns it from the server).
    pub join_code: ReadSignal<Option<String>>,
    /// The tables with a tablet connected (told to the facilitator only).
    pub online: ReadSignal<Vec<TableId>>,
    write: Writers,
    connection: StoredValue<Connection, LocalStorage>,
}

/// The halves of the session's signals that write: the session's alone.
#[derive(Clone, Copy)]
struct Writers {
    link: WriteSignal<Link>,
    workshop: WriteSignal<Option<Workshop>>,
    role: WriteSignal<Option<Role>>,
    results: WriteSignal<LiveResults>,
    outbox: WriteSignal<Vec<(String, Command)>>,
    notice: WriteSignal<Option<String>>,
    join_code: WriteSignal<Option<String>>,
    online: WriteSignal<Vec<TableId>>,
}

/// The parts that are not signals: the socket and what it needs to reconnect.
struct Connection {
    auth: Option<Auth>,
    /// The language to speak before the workshop's own is known.
    lang: Lang,
    /// Where the outbox is kept in local storage (none for the wall).
    outbox_key: Option<String>,
    /// Commands kept from before a reload, not answered yet: sent again as
    /// they were written (`[op, command]` as JSON), never decoded, so that no
    /// bundle carries the decoding of every command for this alone. (They
    /// are not drawn as pending; the server's answer brings them in.)
    restored: Vec<(String, Box<RawValue>)>,
    last_seq: Option<Seq>,
    socket: Option<WebSocket>,
    /// The socket's handlers: they must live as long as the socket.
    handlers: Vec<Box<dyn std::any::Any>>,
    /// Increases with each socket, so events of an old one are ignored.
    generation: u32,
    failures: u32,
}

impl Session {
    /// A session that has not connected yet.
    pub fn new(lang: Lang) -> Session {
        let (workshop, write_workshop) = signal(None::<Workshop>);
        let (role, write_role) = signal(None::<Role>);
        let (outbox, write_outbox) = signal(Vec::<(String, Command)>::new());
        let (link, write_link) = signal(Link::Idle);
        let (results, write_results) = signal(LiveResults::default());
        let (notice, write_notice) = signal(None::<String>);
        let (join_code, write_join_code) = signal(None::<String>);
        let (online, write_online) = signal(Vec::<TableId>::new());
        let projected = Memo::new(move |_| {
            let mut projected = workshop.get()?;
            if let Some(role) = role.get() {
                let now = browser::now_ms();
                outbox.with(|o| {
                    for (_, command) in o {
                        // A command the server will refuse changes nothing here either.
                        let _ = projected.handle(role, command, now);
                    }
                });
            }
            Some(projected)
        });
        Session {
            link,
            workshop,
            role,
            results,
            outbox,
            projected,
            notice,
            join_code,
            online,
            write: Writers {
                link: write_link,
                workshop: write_workshop,
                role: write_role,
                results: write_results,
                outbox: write_outbox,
                notice: write_notice,
                join_code: write_join_code,
                online: write_online,
            },
            connection: StoredValue::new_local(Connection {
                auth: None,
                lang,
                outbox_key: None,
                restored: Vec::new(),
                last_seq: None,
                socket: None,
                handlers: Vec::new(),
                generation: 0,
                failures: 0,
            }),
        }
    }

    /// Shows a sentence to the person (a problem the screen found itself).
    pub fn show_notice(self, text: String) {
        self.write.notice.set(Some(text));
    }

    /// The person closed the notice.
    pub fn dismiss_notice(self) {
        self.write.notice.set(None);
    }

    /// Connects with these credentials. `outbox_key` names where unanswered
    /// commands are kept across reloads; what was kept there is sent again.
    pub fn start(self, auth: Auth, outbox_key: Option<String>) {
        let kept: Vec<(String, Box<RawValue>)> = outbox_key
            .as_deref()
            .and_then(browser::load)
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        self.write.outbox.set(Vec::new());
        if let Auth::JoinTable { code, .. }
        | Auth::RejoinTable { code, .. }
        | Auth::TakeOverTable { code, .. }
        | Auth::Wall { code } = &auth
        {
            self.write.join_code.set(Some(code.clone()));
        }
        if let Auth::Facilitator { workshop, .. } = &auth {
            self.write
                .join_code
                .set(browser::load(&browser::code_key(workshop)));
        }
        self.connection.update_value(|c| {
            c.auth = Some(auth);
            c.outbox_key = outbox_key;
            c.restored = kept;
            c.failures = 0;
        });
        self.connect();
    }

    /// The credentials this session connects with.
    pub fn auth(self) -> Option<Auth> {
        self.connection.with_value(|c| c.auth.clone())
    }

    /// Keeps the browser tab's title: « Ruche · <screen> · <workshop> ».
    pub fn name_tab(self, screen: fn(&'static crate::i18n::Texts) -> &'static str) {
        Effect::new(move |_| {
            let title = self
                .workshop
                .with(|w| w.as_ref().map(|w| w.config().setup().title.clone()));
            browser::title_tab(screen(texts(self.lang())), title);
        });
    }

    /// The language to speak until the workshop's own is known (the join
    /// screen learns it from the workshop's public information).
    pub fn set_lang(self, lang: Lang) {
        self.connection.update_value(|c| c.lang = lang);
    }

    /// The workshop's language (or the page's, before the workshop is known).
    pub fn lang(self) -> Lang {
        self.workshop
            .with(|w| w.as_ref().map(|w| w.config().setup().lang))
            .unwrap_or_else(|| self.connection.with_value(|c| c.lang))
    }

    /// Sends a command, after checking it against the local copy with the
    /// engine's rules. Returns whether it was sent (or queued while offline).
    pub fn send(self, command: Command) -> bool {
        // Checked against the workshop as it will be once the waiting commands
        // are accepted: a tap after three quick taps sees all three.
        let verdict = self.projected.with_untracked(|w| {
            let (w, role) = (w.as_ref()?, self.role.get_untracked()?);
            Some(w.check(role, &command, browser::now_ms()))
        });
        if let Some(Err(violation)) = verdict {
            self.write
                .notice
                .set(Some(violation.message(self.lang_untracked())));
            return false;
        }
        self.write.notice.set(None);
        let op = browser::new_op_id();
        self.write
            .outbox
            .update(|o| o.push((op.clone(), command.clone())));
        self.keep_outbox();
        self.send_message(&ClientMsg::Command {
            op: OpId(op),
            command,
        });
        true
    }

    /// Whether the engine would accept `command` now, once the waiting
    /// commands are accepted (reactive: for enabling a button).
    pub fn allows(self, command: &Command) -> bool {
        self.projected.with(|w| match (w, self.role.get()) {
            (Some(w), Some(role)) => w.check(role, command, browser::now_ms()).is_ok(),
            _ => false,
        })
    }

    /// Whether a command like this one is still waiting for its answer.
    pub fn is_pending(self, matches: impl Fn(&Command) -> bool) -> bool {
        self.outbox.with(|o| o.iter().any(|(_, c)| matches(c)))
    }

    fn lang_untracked(self) -> Lang {
        self.workshop
            .with_untracked(|w| w.as_ref().map(|w| w.config().setup().lang))
            .unwrap_or_else(|| self.connection.with_value(|c| c.lang))
    }

    fn keep_outbox(self) {
        let Some(key) = self.connection.with_value(|c| c.outbox_key.clone()) else {
            return;
        };
        // `[[op, command], …]`: the restored ones as they were, then this page's.
        let mut entries: Vec<String> = self.connection.with_value(|c| {
            c.restored
                .iter()
                .map(|(op, command)| format!("[{},{}]", json_string(op), command.get()))
                .collect()
        });
        self.outbox.with_untracked(|o| {
            entries.extend(
                o.iter()
                    .filter_map(|entry| serde_json::to_string(entry).ok()),
            );
        });
        let text = format!("[{}]", entries.join(","));
        if text == "[]" {
            browser::forget(&key);
        } else {
            browser::save(&key, &text);
        }
    }

    fn send_message(self, message: &ClientMsg) {
        if let Ok(text) = serde_json::to_string(message) {
            self.send_text(&text);
        }
    }

    /// Sends a command kept from before a reload, as it was written.
    fn send_restored(self, op: &str, command: &RawValue) {
        self.send_text(&format!(
            r#"{{"type":"command","op":{},"command":{}}}"#,
            json_string(op),
            command.get()
        ));
    }

    fn send_text(self, text: &str) {
        self.connection.with_value(|c| {
            if let Some(socket) = &c.socket
                && socket.ready_state() == WebSocket::OPEN
            {
                let _ = socket.send_with_str(text);
            }
        });
    }

    fn connect(self) {
        if self.connection.with_value(|c| c.auth.is_none()) {
            return;
        }
        self.drop_socket();
        let code = self.join_code.get_untracked();
        let Ok(socket) = WebSocket::new(&browser::websocket_url(code.as_deref())) else {
            self.connection_lost();
            return;
        };
        let generation = self
            .connection
            .try_update_value(|c| {
                c.generation += 1;
                c.generation
            })
            .unwrap_or_default();
        let current = move || self.connection.with_value(|c| c.generation) == generation;
        self.write.link.set(Link::Connecting);

        let on_open = Closure::<dyn FnMut()>::new(move || {
            if current() {
                self.say_hello();
            }
        });
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if current()
                && let Some(text) = event.data().as_string()
            {
                self.receive(&text);
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_event: CloseEvent| {
            if current() {
                self.connection_lost();
            }
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        self.connection.update_value(|c| {
            c.socket = Some(socket);
            c.handlers = vec![Box::new(on_open), Box::new(on_message), Box::new(on_close)];
        });
    }

    /// Closes the current socket, after detaching its handlers (a handler
    /// freed while the browser may still call it would throw).
    fn drop_socket(self) {
        let old = self
            .connection
            .try_update_value(|c| (c.socket.take(), std::mem::take(&mut c.handlers)));
        if let Some((Some(socket), handlers)) = old {
            socket.set_onopen(None);
            socket.set_onmessage(None);
            socket.set_onclose(None);
            let _ = socket.close();
            drop(handlers);
        }
    }

    fn say_hello(self) {
        let hello = self.connection.with_value(|c| {
            c.auth.clone().map(|auth| ClientMsg::Hello {
                protocol: PROTOCOL_VERSION,
                auth,
                last_seq: c.last_seq,
            })
        });
        if let Some(hello) = hello {
            self.send_message(&hello);
        }
    }

    fn connection_lost(self) {
        if matches!(self.link.get_untracked(), Link::Refused(_)) {
            return;
        }
        self.write.link.set(Link::Offline);
        let failures = self
            .connection
            .try_update_value(|c| {
                c.failures = c.failures.saturating_add(1);
                c.failures
            })
            .unwrap_or(1);
        let base = 500u64.saturating_mul(1 << failures.min(5)).min(8_000);
        let jitter = (js_sys::Math::random() * base as f64 * 0.3) as u64;
        set_timeout(
            move || {
                if self.link.get_untracked() == Link::Offline {
                    self.connect();
                }
            },
            Duration::from_millis(base / 2 + jitter),
        );
    }

    fn receive(self, text: &str) {
        let Ok(message) = serde_json::from_str::<ServerMsg>(text) else {
            return;
        };
        match message {
            ServerMsg::Welcome {
                role,
                table_token,
                join_code,
                ..
            } => {
                if let Some(code) = &join_code {
                    // Kept for the console's next connections (`?w=`).
                    if let Some(Auth::Facilitator { workshop, .. }) = self.auth() {
                        browser::save(&browser::code_key(&workshop), code);
                    }
                }
                if join_code.is_some() {
                    self.write.join_code.set(join_code);
                }
                self.welcomed(role, table_token);
            }
            ServerMsg::Snapshot { seq, workshop } => match Workshop::from_view(*workshop) {
                Ok(workshop) => {
                    self.connection.update_value(|c| c.last_seq = Some(seq));
                    self.write.workshop.set(Some(workshop));
                }
                // A snapshot this client cannot read: keep what it has, and say so.
                Err(error) => self.write.notice.set(Some(error.to_string())),
            },
            ServerMsg::Events { events } => self.apply_events(events),
            ServerMsg::Accepted { op, .. } => self.answered(&op),
            ServerMsg::Rejected { op, message, .. } => {
                self.answered(&op);
                self.write.notice.set(Some(message));
            }
            // (The facilitator's participation is computed from its full copy.)
            ServerMsg::Results {
                votes,
                scores,
                dots,
                ..
            } => self.write.results.update(|r| {
                r.votes = votes.or(r.votes.take());
                r.scores = scores.or(r.scores.take());
                r.dots = dots.or(r.dots.take());
            }),
            ServerMsg::Presence { online } => self.write.online.set(online),
            // (A refused join's `message` is the rule's sentence in the
            // workshop's language: the client does not decode the violation.)
            ServerMsg::Error {
                code, message, op, ..
            } => self.error(code, message, op),
        }
    }

    fn welcomed(self, role: Role, table_token: Option<String>) {
        self.write.role.set(Some(role));
        if let Some(token) = table_token {
            // Joined as a new table, or took one over: from now on, come
            // back as this table.
            self.connection.update_value(|c| {
                if let Some(Auth::JoinTable { code, .. } | Auth::TakeOverTable { code, .. }) =
                    &c.auth
                {
                    browser::save(&browser::table_token_key(code), &token);
                    c.auth = Some(Auth::RejoinTable {
                        code: code.clone(),
                        token,
                    });
                }
            });
        }
        self.connection.update_value(|c| c.failures = 0);
        self.write.link.set(Link::Online);
        // What was not answered before the connection dropped (or the page
        // reloaded) goes again, with the same ids: the server counts it once.
        let restored = self.connection.with_value(|c| c.restored.clone());
        for (op, command) in &restored {
            self.send_restored(op, command);
        }
        let waiting = self.outbox.get_untracked();
        for (op, command) in waiting {
            self.send_message(&ClientMsg::Command {
                op: OpId(op),
                command,
            });
        }
    }

    fn apply_events(self, events: Vec<ruche_shared::protocol::SequencedEvent>) {
        let last_seq = self.connection.with_value(|c| c.last_seq).unwrap_or(0);
        let mut broken = false;
        let mut newest = last_seq;
        self.write.workshop.update(|w| {
            let Some(w) = w else { return };
            for sequenced in &events {
                // The server sends each connection its events in `seq` order,
                // never one it already had: an older one means something was
                // reordered or missed, so our copy cannot be trusted.
                if sequenced.seq <= newest || w.apply(&sequenced.event).is_err() {
                    broken = true;
                    break;
                }
                newest = sequenced.seq;
            }
        });
        self.connection.update_value(|c| c.last_seq = Some(newest));
        // Points given back by a regrouping during the vote: the table is
        // told, in its language (only its own such events reach it).
        let returned = events
            .iter()
            .rev()
            .find_map(|sequenced| match &sequenced.event {
                ruche_shared::Event::VotesReturned(returned) => Some(*returned),
                _ => None,
            });
        if let (Some(returned), Some(ruche_shared::Role::Table(_))) =
            (returned, self.role.get_untracked())
        {
            let dots = self.workshop.with_untracked(|w| {
                w.as_ref().is_some_and(|w| {
                    matches!(
                        w.config().step(returned.step),
                        Some(ruche_shared::StepConfig::DotVote(_))
                    )
                })
            });
            let lang = self.lang_untracked();
            self.show_notice(returned.message(lang, dots));
        }
        if broken {
            // Our copy no longer fits the log: ask for a fresh snapshot.
            self.send_message(&ClientMsg::Resync);
        }
    }

    fn answered(self, op: &OpId) {
        self.connection
            .update_value(|c| c.restored.retain(|(id, _)| *id != op.0));
        self.write
            .outbox
            .update(|o| o.retain(|(id, _)| *id != op.0));
        self.keep_outbox();
    }

    /// A join (or takeover) that did not happen, or a table taken over by
    /// another tablet: the token this tablet holds is no one's.
    fn forget_unjoined_token(self) {
        self.connection.with_value(|c| {
            if let Some(
                Auth::JoinTable { code, .. }
                | Auth::TakeOverTable { code, .. }
                | Auth::RejoinTable { code, .. },
            ) = &c.auth
            {
                browser::forget(&browser::table_token_key(code));
            }
        });
    }

    /// Sends command `op` again in a second (the server refused it for the
    /// rate: it was not applied), from this page's outbox or the restored one.
    fn send_again_later(self, op: OpId) {
        let again = self
            .outbox
            .with_untracked(|o| o.iter().find(|(id, _)| *id == op.0).map(|(_, c)| c.clone()));
        let restored = self
            .connection
            .with_value(|c| c.restored.iter().find(|(id, _)| *id == op.0).cloned());
        match (again, restored) {
            (Some(command), _) => set_timeout(
                move || self.send_message(&ClientMsg::Command { op, command }),
                Duration::from_secs(1),
            ),
            (None, Some((op, command))) => set_timeout(
                move || self.send_restored(&op, &command),
                Duration::from_secs(1),
            ),
            (None, None) => {}
        }
    }

    fn error(self, code: ErrorCode, message: String, op: Option<OpId>) {
        let refusal = match code {
            ErrorCode::BadCredentials => Some(self.connection.with_value(|c| match &c.auth {
                Some(Auth::RejoinTable { code, .. }) => {
                    browser::forget(&browser::table_token_key(code));
                    Refusal::TableForgotten
                }
                Some(Auth::Facilitator { .. }) => Refusal::BadSecret,
                Some(Auth::TakeOverTable { code, .. }) => {
                    browser::forget(&browser::table_token_key(code));
                    Refusal::HandoverRefused
                }
                _ => Refusal::UnknownWorkshop,
            })),
            ErrorCode::TableTakenOver => {
                self.forget_unjoined_token();
                Some(Refusal::TakenOver)
            }
            ErrorCode::TooManyJoinAttempts => {
                // Not a refusal of this tablet: its address tried too many
                // wrong codes (a venue's network puts many tablets behind
                // one address). Wait out the server's window, then try
                // again, with the same token if this was a join.
                self.drop_socket();
                self.write.link.set(Link::Offline);
                self.write.notice.set(Some(
                    texts(self.lang_untracked()).too_many_attempts.to_owned(),
                ));
                let jitter = (js_sys::Math::random() * 15_000.0) as u64;
                set_timeout(
                    move || {
                        if self.link.get_untracked() == Link::Offline {
                            self.write.notice.set(None);
                            self.connect();
                        }
                    },
                    Duration::from_millis(60_000 + jitter),
                );
                None
            }
            ErrorCode::JoinRefused => {
                self.forget_unjoined_token();
                Some(Refusal::JoinRefused(message))
            }
            ErrorCode::RateLimited => {
                // The command was not applied: it stays in the outbox and goes again.
                if let Some(op) = op {
                    self.send_again_later(op);
                }
                None
            }
            // The connection closes next; the reconnection follows.
            ErrorCode::ShuttingDown => None,
            _ => {
                if let Some(op) = op {
                    self.answered(&op);
                }
                self.write.notice.set(Some(message));
                None
            }
        };
        if let Some(refusal) = refusal {
            self.write.link.set(Link::Refused(refusal));
            self.drop_socket();
        }
    }
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}
