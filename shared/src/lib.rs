//! # ruche-shared: the rules of a Ruche workshop, and the wire protocol
//!
//! A pure engine: no I/O, no clock, no randomness. The caller passes the time
//! and the engine assigns ids in order, so the same commands always give the
//! same events, on the server and in the WASM client alike.
//!
//! ## Layout
//! - [`methods`]: one folder per method (divergence, grouping, budget vote,
//!   scoring, dot vote, results), each owning its settings, commands, events,
//!   rules, record, audience and results view.
//! - [`config`]: a workshop's settings, checked once by [`WorkshopConfig::new`];
//!   [`StepConfig`] lists the methods.
//! - [`command`], [`event`]: requests in, facts out; each lists its types, one
//!   line each, and delegates to them.
//! - [`joining`], [`flow`]: what every workshop has: tables joining, and the
//!   step machine.
//! - [`workshop`]: the shared state, and [`Workshop::apply`] to record an event.
//! - `rules.rs`: [`Workshop::handle`], and the checks the methods share.
//! - [`templates`]: the source's ideation and evaluation workshops.
//! - [`design`]: editing a programme step by step (the step designer).
//! - [`violation`]: why a command was refused, with a stable code.
//! - [`views`], [`stats`]: what screens show across methods (participation,
//!   who may see what), and the statistics behind scoring.
//! - [`source`]: the source document's two workshops as data, for tests and demos.
//! - [`protocol`]: the JSON messages between server and clients.
//! - [`api`]: the HTTP API's requests and answers, and the screens' addresses.
//! - [`similar`]: which ideas look alike (the tablets' "already submitted?" hint).
//!
//! ```
//! use ruche_shared::{Command, Role, Template, Workshop, WorkshopConfig, source_criteria};
//!
//! let setup = Template::Ideation.setup("Salle", "Comment ?", source_criteria(), vec![]);
//! let mut workshop = Workshop::new(WorkshopConfig::new(setup).unwrap());
//! let join = Command::JoinTable(ruche_shared::joining::JoinTable { name: "Table 1".into() });
//! assert!(workshop.handle(Role::Guest, &join, 0).is_ok());
//! let close = Command::CloseStep(ruche_shared::flow::CloseStep {});
//! let refused = workshop.handle(Role::Wall, &close, 0).unwrap_err();
//! assert_eq!(refused.code(), "not_allowed_for_role");
//! ```

pub mod api;
pub mod command;
pub mod config;
pub mod design;
pub mod event;
pub mod flow;
pub mod ids;
pub mod joining;
pub mod methods;
pub mod notes;
pub mod protocol;
mod rules;
pub mod similar;
pub mod source;
pub mod stats;
pub mod templates;
pub mod views;
pub mod violation;
pub mod wall;
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
