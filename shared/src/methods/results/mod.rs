//! The results step (« résultats »): nothing to submit; the screens show the
//! results of the steps before it (the facilitator reveals them).

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, Lang, StepConfig};
use crate::methods::StepRules;

/// What participants are asked to do, in their words (tablets, wall).
pub fn task(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Les résultats",
        Lang::En => "The results",
    }
}

/// The method's name on screens.
pub fn name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "résultats",
        Lang::En => "results",
    }
}

/// A results step's settings: none yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {}

impl StepRules for Config {
    fn check(&self, _steps: &[StepConfig], _index: usize) -> Result<(), ConfigError> {
        Ok(())
    }
}
