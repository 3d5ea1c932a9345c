//! What the wall shows besides the current step, as the facilitator sets it
//! from the console: how large the join panel (the code and its QR code) is,
//! and one idea or group in focus, shown large while the room discusses it.
//!
//! The join panel takes a quarter of the projector; once tables have joined
//! it is in the way. By default ([`JoinPanel::Auto`]) it is large during the
//! first step and small after; the facilitator can force either; and once
//! joining is locked it is gone (no « Scannez pour rejoindre » for a door
//! that is shut).

use serde::{Deserialize, Serialize};

use crate::command::Role;
use crate::ids::ItemRef;
use crate::methods::{CommandRules, EventRules};
use crate::rules::Decision;
use crate::views::visibility::Audience;
use crate::violation::RuleViolation;
use crate::workshop::{ReplayError, Workshop};

/// How large the wall shows the join code and its QR code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinPanel {
    /// Large during the first step, small after it.
    #[default]
    Auto,
    /// Large, whatever the step.
    Large,
    /// Small, whatever the step.
    Small,
}

/// What the wall shows now of the join panel, all rules applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinShown {
    /// The code in large type and a large QR code, « Scannez pour rejoindre ».
    Large,
    /// The code and a small QR code in a corner.
    Small,
    /// Nothing: joining is locked.
    Hidden,
}

/// The wall's settings (both default: an automatic join panel, no focus).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wall {
    /// How large the join panel is.
    #[serde(default)]
    pub join_panel: JoinPanel,
    /// The idea or group shown large, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<ItemRef>,
}

impl Wall {
    /// Whether nothing was set (then snapshots leave it out).
    pub fn is_default(&self) -> bool {
        *self == Wall::default()
    }
}

/// Set the wall: the join panel's size and the item in focus (both at once:
/// what the console's controls hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetWall {
    /// How large the join panel is.
    pub join_panel: JoinPanel,
    /// The idea or group to show large, or `null` for none.
    pub focus: Option<ItemRef>,
}

/// The wall's settings are now these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WallSet {
    /// How large the join panel is.
    pub join_panel: JoinPanel,
    /// The idea or group shown large, if any.
    pub focus: Option<ItemRef>,
}

impl CommandRules for SetWall {
    fn may_send(&self, role: Role) -> bool {
        role == Role::Facilitator
    }

    fn check(&self, workshop: &Workshop, _role: Role, _now_ms: u64) -> Decision {
        // Only what the room may see and vote on: a hidden idea, a withdrawn
        // one or one inside a group cannot be put in focus.
        if let Some(item) = self.focus
            && !workshop.is_vote_item(item)
        {
            return Err(RuleViolation::UnknownItem {
                item: item.to_string(),
            });
        }
        Ok(vec![
            WallSet {
                join_panel: self.join_panel,
                focus: self.focus,
            }
            .into(),
        ])
    }
}

impl EventRules for WallSet {
    fn audience(&self) -> Audience {
        Audience::Everyone
    }

    fn apply(&self, workshop: &mut Workshop) -> Result<(), ReplayError> {
        workshop.wall = Wall {
            join_panel: self.join_panel,
            focus: self.focus,
        };
        Ok(())
    }
}

impl Workshop {
    /// The wall's settings as the facilitator set them.
    pub fn wall(&self) -> Wall {
        self.wall
    }

    /// The item the wall shows large: the one in focus while it can still
    /// be voted on (grouped, hidden or withdrawn since, it leaves the wall).
    pub fn focus(&self) -> Option<ItemRef> {
        self.wall.focus.filter(|&item| self.is_vote_item(item))
    }

    /// What the wall shows of the join panel now.
    pub fn join_shown(&self) -> JoinShown {
        if self.joining_locked {
            return JoinShown::Hidden;
        }
        match self.wall.join_panel {
            JoinPanel::Large => JoinShown::Large,
            JoinPanel::Small => JoinShown::Small,
            JoinPanel::Auto if self.current_step == 0 => JoinShown::Large,
            JoinPanel::Auto => JoinShown::Small,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;
    use crate::ids::{IdeaId, TableId};
    use crate::methods::{divergence, grouping};
    use crate::templates::Template;
    use crate::{WorkshopConfig, flow, joining};

    fn run(w: &mut Workshop, role: Role, command: Command) -> Result<(), RuleViolation> {
        // `handle` applies what it accepts.
        w.handle(role, &command, 0).map(|_| ())
    }

    fn set(join_panel: JoinPanel, focus: Option<ItemRef>) -> Command {
        Command::SetWall(SetWall { join_panel, focus })
    }

    #[test]
    fn the_join_panel_is_large_at_first_small_after_and_gone_once_joining_is_locked() {
        let setup = Template::Ideation.setup("S", "Q", vec![], vec![]);
        let mut w = Workshop::new(WorkshopConfig::new(setup).unwrap());
        assert_eq!(w.join_shown(), JoinShown::Large);
        run(&mut w, Role::Facilitator, flow::GoToStep { step: 1 }.into()).unwrap();
        assert_eq!(w.join_shown(), JoinShown::Small);
        run(&mut w, Role::Facilitator, set(JoinPanel::Large, None)).unwrap();
        assert_eq!(w.join_shown(), JoinShown::Large);
        let lock = joining::SetJoiningLocked { locked: true };
        run(&mut w, Role::Facilitator, lock.into()).unwrap();
        assert_eq!(w.join_shown(), JoinShown::Hidden);
        for role in [Role::Wall, Role::Guest, Role::Table(TableId(0))] {
            assert!(w.handle(role, &set(JoinPanel::Small, None), 0).is_err());
        }
    }

    #[test]
    fn only_an_item_the_room_sees_goes_in_focus_and_it_leaves_when_grouped() {
        let setup = Template::Ideation.setup("S", "Q", vec![], vec![]);
        let mut w = Workshop::new(WorkshopConfig::new(setup).unwrap());
        run(
            &mut w,
            Role::Facilitator,
            flow::OpenStep {
                duration_secs: None,
            }
            .into(),
        )
        .unwrap();
        for text in ["Vélo", "Marché", "Navette"] {
            let submit = divergence::SubmitIdea {
                text: text.into(),
                category: None,
                seat: None,
            };
            run(&mut w, Role::Facilitator, submit.into()).unwrap();
        }
        let first = ItemRef::Idea(IdeaId(0));
        run(&mut w, Role::Facilitator, set(JoinPanel::Auto, Some(first))).unwrap();
        assert_eq!(w.focus(), Some(first));
        let nowhere = ItemRef::Idea(IdeaId(9));
        assert_eq!(
            run(
                &mut w,
                Role::Facilitator,
                set(JoinPanel::Auto, Some(nowhere))
            ),
            Err(RuleViolation::UnknownItem {
                item: nowhere.to_string()
            })
        );
        let hide = grouping::SetIdeaHidden {
            idea: IdeaId(2),
            hidden: true,
        };
        run(&mut w, Role::Facilitator, hide.into()).unwrap();
        let hidden = ItemRef::Idea(IdeaId(2));
        assert!(
            run(
                &mut w,
                Role::Facilitator,
                set(JoinPanel::Auto, Some(hidden))
            )
            .is_err()
        );

        run(&mut w, Role::Facilitator, flow::GoToStep { step: 1 }.into()).unwrap();
        let merge = grouping::MergeItems {
            items: vec![first, ItemRef::Idea(IdeaId(1))],
            title: Some("Mobilités".into()),
        };
        run(&mut w, Role::Facilitator, merge.into()).unwrap();
        assert_eq!(w.focus(), None, "a grouped idea leaves the wall");
        run(&mut w, Role::Facilitator, set(JoinPanel::Auto, None)).unwrap();
        assert!(w.wall().is_default());
    }
}
