//! The HTTP API's requests and answers, and the screens' addresses: defined
//! once here, used by the server, the web client, the command line, the tests
//! and the load generator. `docs/protocol.md` describes them.
//!
//! - [`route`]: which screen a URL fragment shows (`#/join/CODE`, …).

pub mod route;

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, Lang, StepConfig, WorkshopSetup};
use crate::ids::TableId;
use crate::methods::budget_vote;
use crate::methods::scoring::Criterion;
use crate::templates::{Template, source_criteria};

/// The path that creates a workshop (`POST`).
pub const CREATE_WORKSHOP: &str = "/api/workshops";

/// The path of a workshop's export, `format` being `json` or `csv` (`GET`, with the secret).
pub fn export_path(workshop: &str, format: &str) -> String {
    format!("/api/workshops/{workshop}/export.{format}")
}

/// The path of a workshop (`DELETE`, with the secret).
pub fn workshop_path(workshop: &str) -> String {
    format!("/api/workshops/{workshop}")
}

/// The path that gives a table's handover code (`POST`, with the secret): a
/// new tablet takes the table over with it ([`Handover`]).
pub fn handover_path(workshop: &str, table: TableId) -> String {
    format!("/api/workshops/{workshop}/tables/{}/handover", table.0)
}

/// How long a handover code works, in seconds.
pub const HANDOVER_SECONDS: u64 = 10 * 60;

/// The number of digits of a handover code.
pub const HANDOVER_DIGITS: usize = 8;

/// The answer to a handover request: a code that lets one new tablet take
/// the table over, once, within [`HANDOVER_SECONDS`]. Asking again replaces
/// the table's previous code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    /// The table.
    pub table: TableId,
    /// Its name.
    pub name: String,
    /// The code, [`HANDOVER_DIGITS`] digits.
    pub code: String,
    /// For how many seconds it works.
    pub expires_in_s: u64,
}

/// The path of what the server says of itself (`GET`): [`ServerInfo`].
pub const SERVER_INFO: &str = "/api/server";

/// A join code as typed: its digits only, spaces and dashes ignored
/// (« 482 913 », « 482-913 »). The server looks codes up this way, and the
/// screens send them this way.
pub fn normalise_code(code: &str) -> String {
    code.chars().filter(char::is_ascii_digit).collect()
}

/// The WebSocket's path: `/ws`, with the workshop's join code as `?w=` when
/// the client knows it. The server does not read it; a balancer in front of
/// several servers hashes on it, so that a workshop's screens reach the
/// server that runs it (deploy/README.md). The join code is what the wall
/// shows the room; secrets and tokens never go in an address.
pub fn websocket_path(code: Option<&str>) -> String {
    with_route("/ws", code)
}

/// `path` with the workshop's join code for the balancer (see
/// [`websocket_path`]), when it is known.
pub fn with_route(path: &str, code: Option<&str>) -> String {
    match code.map(normalise_code).filter(|code| !code.is_empty()) {
        Some(code) => format!("{path}?w={code}"),
        None => path.to_owned(),
    }
}

/// The path of the join screen's information for `code` (`GET`).
pub fn join_info_path(code: &str) -> String {
    format!("/api/join/{code}")
}

/// What a facilitator asks for: a template and its settings, or a full setup.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkshop {
    /// `ideation`, `evaluation`, `ideation_then_evaluation`, `ideation_then_dots`
    /// `spider_web_then_dots`, `design_thinking`, `criteria_then_evaluation`,
    /// `user_journey` or `benefits_needs_actions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<Template>,
    /// A complete setup instead of a template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup: Option<WorkshopSetup>,
    /// Title (with a template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Question (with a template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// Screens' language (default fr).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
    /// Criteria of the scoring step (default: acceptabilité, coût, humanisme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria: Option<Vec<Criterion>>,
    /// Ideas to score (evaluation template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<String>>,
    /// Points per table (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<u32>,
    /// Points per item at most (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_per_item: Option<u32>,
    /// Whether tables may vote for their own ideas (default no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_self_vote: Option<bool>,
    /// Seats per table (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<u8>,
    /// Whether tables' ideas wait for the facilitator before the wall shows
    /// them (default no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderated: Option<bool>,
}

impl CreateWorkshop {
    /// A request for `template` with this title and question, defaults elsewhere.
    pub fn from_template(template: Template, title: &str, question: &str) -> CreateWorkshop {
        CreateWorkshop {
            template: Some(template),
            title: Some(title.to_owned()),
            question: Some(question.to_owned()),
            ..CreateWorkshop::default()
        }
    }

    /// A request for a complete setup.
    pub fn from_setup(setup: WorkshopSetup) -> CreateWorkshop {
        CreateWorkshop {
            setup: Some(setup),
            ..CreateWorkshop::default()
        }
    }

    /// The setup this request describes (to check with
    /// [`crate::WorkshopConfig::new`]), or why there is none.
    pub fn into_setup(self) -> Result<WorkshopSetup, String> {
        if let Some(setup) = self.setup {
            return Ok(setup);
        }
        let template = self
            .template
            .ok_or_else(|| "give a `template` (or a full `setup`)".to_owned())?;
        let title = self.title.unwrap_or_default();
        let question = self.question.unwrap_or_default();
        let criteria = self.criteria.unwrap_or_else(source_criteria);
        let mut setup = template.setup(&title, &question, criteria, self.items.unwrap_or_default());
        if let Some(lang) = self.lang {
            setup.lang = lang;
        }
        if let Some(seats) = self.seats {
            setup.seats = seats;
        }
        for step in &mut setup.steps {
            if let StepConfig::Divergence(divergence) = step {
                divergence.moderated = self.moderated.unwrap_or(divergence.moderated);
            }
            if let StepConfig::BudgetVote(budget_vote::Config {
                budget,
                cap_per_item,
                allow_self_vote,
                ..
            }) = step
            {
                *budget = self.budget.unwrap_or(*budget);
                *cap_per_item = self.cap_per_item.unwrap_or(*cap_per_item);
                *allow_self_vote = self.allow_self_vote.unwrap_or(*allow_self_vote);
            }
        }
        Ok(setup)
    }
}

/// The answer to a creation: shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedWorkshop {
    /// The workshop's id.
    pub workshop: String,
    /// The code tables type to join.
    pub join_code: String,
    /// The facilitator secret: shown once, keep it.
    pub facilitator_secret: String,
}

/// What the join screen shows before joining.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicInfo {
    /// Title.
    pub title: String,
    /// Question.
    pub question: String,
    /// Language.
    pub lang: Lang,
    /// Whether new tables may join.
    pub joining_open: bool,
}

/// What the server says of itself, for the screens that show links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// The address tablets should open, e.g. `http://192.168.1.10:8080`
    /// (the facilitator's browser may be on `localhost`, which no tablet can
    /// reach): `--public-url`, or the machine's address on the local
    /// network. `None` when the server listens on this computer only: the
    /// screens then say that tablets cannot reach it.
    pub tablet_base: Option<String>,
}

/// Every error answer: a stable code, a sentence, and details for some codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// `bad_request`, `invalid_config`, `not_found`, `unauthorized`,
    /// `too_many_requests` or `internal`.
    pub code: String,
    /// What went wrong, for a person.
    pub message: String,
    /// For `invalid_config`: which limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<ConfigError>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_join_code_goes_in_the_address_for_the_balancer_as_digits_only() {
        assert_eq!(websocket_path(None), "/ws");
        assert_eq!(websocket_path(Some("482 913")), "/ws?w=482913");
        assert_eq!(websocket_path(Some("482-913")), "/ws?w=482913");
        // Nothing but digits ever reaches the address.
        assert_eq!(websocket_path(Some("&x=<y>")), "/ws");
        assert_eq!(
            with_route("/api/workshops/w1/tables/0/handover", Some("123456")),
            "/api/workshops/w1/tables/0/handover?w=123456"
        );
    }

    #[test]
    fn a_template_request_fills_in_the_vote_settings() {
        let mut request = CreateWorkshop::from_template(Template::Ideation, "Salle", "Comment ?");
        request.budget = Some(20);
        let json = serde_json::to_string(&request).unwrap();
        assert!(!json.contains("null"), "unset fields are left out: {json}");
        let back: CreateWorkshop = serde_json::from_str(&json).unwrap();
        let setup = back.into_setup().unwrap();
        assert!(setup.steps.iter().any(|step| matches!(
            step,
            StepConfig::BudgetVote(budget_vote::Config {
                budget: 20,
                cap_per_item: 3,
                ..
            })
        )));
    }

    #[test]
    fn an_unknown_template_or_field_does_not_parse() {
        let unknown = r#"{"template":"brainstorm","title":"T","question":"Q"}"#;
        assert!(serde_json::from_str::<CreateWorkshop>(unknown).is_err());
        let typo = r#"{"template":"ideation","titel":"T"}"#;
        assert!(serde_json::from_str::<CreateWorkshop>(typo).is_err());
        let neither = CreateWorkshop::default().into_setup();
        assert!(neither.is_err());
    }
}
