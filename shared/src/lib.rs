//! # ruche-shared: the rules of a Ruche workshop, and the wire protocol
//!
//! A pure engine: no I/O, no clock, no randomness. The caller passes the time
//! and the engine assigns ids in order, so the same commands always give the
//! same events, on the server and in the WASM client alike.
//!
//! ## Layout
//! - [`config`]: a workshop's settings, checked once by [`WorkshopConfig::new`].
//! - [`templates`]: the source's ideation and evaluation workshops.
//! - [`command`], [`event`]: requests in, facts out.
//! - [`workshop`]: the state, and [`Workshop::apply`] to record an event.
//! - `rules.rs`: [`Workshop::handle`], where every rule lives.
//! - [`violation`]: why a command was refused, with a stable code.
//! - [`ledger`]: per-step points and scores, with running sums.
//! - [`views`], [`stats`]: what screens show, derived from the state.
//! - [`source`]: the source document's two workshops as data, for tests and demos.
//! - [`protocol`]: the JSON messages between server and clients.
//! - [`similar`]: which ideas look alike (the tablets' "already submitted?" hint).
//!
//! ```
//! use ruche_shared::{Command, Role, Template, Workshop, WorkshopConfig, source_criteria};
//!
//! let setup = Template::Ideation.setup("Salle", "Comment ?", source_criteria(), vec![]);
//! let mut workshop = Workshop::new(WorkshopConfig::new(setup).unwrap());
//! let joined = workshop.handle(Role::Guest, &Command::JoinTable { name: "Table 1".into() }, 0);
//! assert!(joined.is_ok());
//! let refused = workshop.handle(Role::Wall, &Command::CloseStep, 0).unwrap_err();
//! assert_eq!(refused.code(), "not_allowed_for_role");
//! ```

pub mod command;
pub mod config;
pub mod event;
pub mod ids;
pub mod ledger;
pub mod protocol;
mod rules;
pub mod similar;
pub mod source;
pub mod stats;
pub mod templates;
pub mod views;
pub mod violation;
pub mod workshop;

pub use command::{Command, Role};
pub use config::{
    ConfigError, Criterion, Lang, StepConfig, StepKind, WorkshopConfig, WorkshopSetup,
};
pub use event::Event;
pub use ids::{ClusterId, IdeaId, ItemRef, TableId};
pub use protocol::{ClientMsg, ServerMsg};
pub use rules::MAX_CLUSTER_TITLE_CHARS;
pub use templates::{Template, source_criteria};
pub use violation::RuleViolation;
pub use workshop::Workshop;
