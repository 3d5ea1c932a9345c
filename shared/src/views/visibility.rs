//! Who may see what (events here; the whole workshop in `workshop_view.rs`). The facilitator sees everything. A table sees every idea
//! that is not hidden, and its own points and scores, never another table's
//! (so results stay secret until the facilitator reveals them). The wall sees
//! what every table sees, minus any table's points and scores: it shows
//! results only through the results views, when they are revealed.
//!
//! The server filters what it sends with these functions; keeping them here
//! keeps the rule in one place with the others. Who each event is for is said
//! by the type that owns it, in its method's folder ([`Event::audience`]).

use crate::command::Role;
use crate::event::Event;
use crate::ids::TableId;
use crate::workshop::Workshop;

/// Who an event is meant for, before any redaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Every connection of the workshop (the text of a hidden idea withheld
    /// from all but the facilitator).
    Everyone,
    /// One table's tablets and the facilitator: a table's own points and scores.
    OneTable(TableId),
    /// The facilitator alone (the notes for the synthesis).
    Facilitator,
}

impl Event {
    /// The event as `role` may see it, given the workshop as it is when the
    /// event is sent, or `None` when `role` may not see it at all. This is the
    /// one filter: live delivery, catch-up from any sequence number and
    /// snapshots (`Workshop::view_for`, which applies the same rules to the whole workshop) all go through it, so a hidden
    /// idea's text never leaves by a side door (a catch-up replaying its
    /// original submission, say). Who an event is for is said by its type
    /// ([`Event::audience`]), for every type: there is no default.
    pub fn view_for(&self, role: Role, workshop: &Workshop) -> Option<Event> {
        let for_role = match (self.audience(), role) {
            (_, Role::Facilitator) => return Some(self.clone()),
            (Audience::Everyone, Role::Table(_) | Role::Wall | Role::Guest) => true,
            (Audience::OneTable(table), Role::Table(me)) => table == me,
            (Audience::OneTable(_), Role::Wall | Role::Guest) => false,
            (Audience::Facilitator, Role::Table(_) | Role::Wall | Role::Guest) => false,
        };
        for_role.then(|| self.without_hidden_text(workshop))
    }
}

#[cfg(test)]
mod tests {
    use crate::methods::{budget_vote, divergence, dot_vote, grouping, scoring};
    use crate::{flow, joining};
    use std::collections::BTreeSet;

    use super::Audience;
    use crate::command::{Command, Role};
    use crate::event::Event;
    use crate::ids::{IdeaId, ItemRef, TableId};
    use crate::templates::{Template, source_criteria};
    use crate::{Workshop, WorkshopConfig};

    const HIDDEN_TEXT: &str = "insulte cachée";
    /// The facilitator's notes: theirs alone on the screens.
    const NOTES_TEXT: &str = "brouillon des conclusions";

    /// A workshop that has recorded every kind of event, and those events in order.
    fn every_kind_of_event() -> (Workshop, Vec<Event>) {
        let mut setup = Template::IdeationThenEvaluation.setup("S", "Q", source_criteria(), vec![]);
        setup.personas = crate::templates::source_personas();
        setup.roles = crate::templates::source_roles();
        let dots = crate::StepConfig::DotVote(dot_vote::Config::default());
        setup.steps.insert(4, dots);
        // A moderated divergence in circles at the end: a pending idea,
        // then accepted; then the web's second circle.
        let moderated = divergence::Config {
            moderated: true,
            circles: vec![
                crate::methods::spider_web::Circle::new(""),
                crate::methods::spider_web::Circle::new("en 2050"),
            ],
            ..divergence::Config::default()
        };
        setup.steps.push(crate::StepConfig::Divergence(moderated));
        // A user journey after it: a note, a stage opened alone, a rating.
        let journey = crate::methods::journey::Config::with_default_stages(crate::Lang::Fr);
        setup.steps.push(crate::StepConfig::Journey(journey));
        let mut w = Workshop::new(WorkshopConfig::new(setup).unwrap());
        let mut log = Vec::new();
        let mut run = |w: &mut Workshop, role, c: Command| {
            let events = w.handle(role, &c, 0).unwrap();
            log.extend(events);
        };
        let (a, b, f) = (
            Role::Table(TableId(0)),
            Role::Table(TableId(1)),
            Role::Facilitator,
        );
        let open = Command::OpenStep(flow::OpenStep {
            duration_secs: Some(60),
        });
        let open_again = open.clone();
        let open_journey = open.clone();
        run(
            &mut w,
            Role::Guest,
            Command::JoinTable(joining::JoinTable { name: "A".into() }),
        );
        run(
            &mut w,
            Role::Guest,
            Command::JoinTable(joining::JoinTable { name: "B".into() }),
        );
        run(&mut w, f, open.clone());
        for (table, text) in [
            (a, "idée A"),
            (b, "idée B"),
            (a, "autre A"),
            (b, "à retirer"),
        ] {
            run(
                &mut w,
                table,
                Command::SubmitIdea(divergence::SubmitIdea {
                    text: text.into(),
                    category: None,
                    seat: None,
                }),
            );
        }
        run(
            &mut w,
            b,
            Command::DeleteIdea(divergence::DeleteIdea { idea: IdeaId(3) }),
        );
        run(
            &mut w,
            f,
            Command::SubmitIdea(divergence::SubmitIdea {
                text: HIDDEN_TEXT.into(),
                category: None,
                seat: None,
            }),
        );
        run(
            &mut w,
            f,
            Command::EditIdea(divergence::EditIdea {
                idea: IdeaId(4),
                text: format!("{HIDDEN_TEXT} (corrigé)"),
            }),
        );
        run(
            &mut w,
            f,
            Command::SetIdeaHidden(grouping::SetIdeaHidden {
                idea: IdeaId(4),
                hidden: true,
            }),
        );
        run(&mut w, f, Command::GoToStep(flow::GoToStep { step: 1 }));
        // Edited while hidden: the edit's text is withheld too.
        run(
            &mut w,
            f,
            Command::EditIdea(divergence::EditIdea {
                idea: IdeaId(4),
                text: format!("{HIDDEN_TEXT} !"),
            }),
        );
        let pair = vec![ItemRef::Idea(IdeaId(0)), ItemRef::Idea(IdeaId(2))];
        run(
            &mut w,
            f,
            Command::MergeItems(grouping::MergeItems {
                items: pair.clone(),
                title: None,
            }),
        );
        run(
            &mut w,
            f,
            Command::SplitCluster(grouping::SplitCluster {
                cluster: crate::ClusterId(0),
            }),
        );
        run(
            &mut w,
            f,
            Command::MergeItems(grouping::MergeItems {
                items: pair,
                title: None,
            }),
        );
        run(
            &mut w,
            f,
            Command::RenameCluster(grouping::RenameCluster {
                cluster: crate::ClusterId(1),
                title: "Groupe".into(),
            }),
        );
        run(&mut w, f, Command::GoToStep(flow::GoToStep { step: 2 }));
        run(&mut w, f, open.clone());
        run(
            &mut w,
            a,
            Command::SetVote(budget_vote::SetVote {
                item: ItemRef::Idea(IdeaId(1)),
                points: 3,
            }),
        );
        run(
            &mut w,
            b,
            Command::SetVote(budget_vote::SetVote {
                item: ItemRef::Cluster(crate::ClusterId(1)),
                points: 2,
            }),
        );
        // Split during the vote: B's 2 points go back to B (votes_returned).
        run(
            &mut w,
            f,
            Command::SplitCluster(grouping::SplitCluster {
                cluster: crate::ClusterId(1),
            }),
        );
        run(
            &mut w,
            f,
            Command::SetJoiningLocked(joining::SetJoiningLocked { locked: true }),
        );
        run(
            &mut w,
            f,
            Command::SetResultsVisible(flow::SetResultsVisible { visible: true }),
        );
        run(&mut w, f, Command::GoToStep(flow::GoToStep { step: 3 }));
        // The facilitator words the criteria before anyone scores.
        let mut criteria = crate::templates::source_criteria();
        criteria[0].low = "pas du tout".into();
        let set_criteria = scoring::SetCriteria { step: 3, criteria };
        run(&mut w, f, Command::SetCriteria(set_criteria));
        run(&mut w, f, open);
        for (table, score) in [(a, 4), (b, 9)] {
            let c = Command::SetScore(scoring::SetScore {
                seat: 1,
                item: 0,
                criterion: 0,
                score: Some(score),
            });
            run(&mut w, table, c);
        }
        run(&mut w, f, Command::GoToStep(flow::GoToStep { step: 4 }));
        run(&mut w, f, open_again);
        let dot = dot_vote::SetDot {
            seat: 2,
            item: ItemRef::Idea(IdeaId(1)),
            dots: 1,
        };
        run(&mut w, a, Command::SetDot(dot));
        let paper = crate::methods::paper_votes::SetPaperVotes {
            group: "Tableau papier".into(),
            item: ItemRef::Idea(IdeaId(1)),
            count: 4,
        };
        run(&mut w, f, Command::SetPaperVotes(paper));
        run(&mut w, f, Command::CloseStep(flow::CloseStep {}));
        let notes = crate::notes::SetNotes {
            place: "Salle B".into(),
            conclusions: NOTES_TEXT.into(),
        };
        run(&mut w, f, Command::SetNotes(notes));
        let wall = crate::wall::SetWall {
            join_panel: crate::wall::JoinPanel::Small,
            focus: Some(ItemRef::Idea(IdeaId(1))),
        };
        run(&mut w, f, Command::SetWall(wall));
        let last = w.config().steps().len() - 2;
        run(&mut w, f, Command::GoToStep(flow::GoToStep { step: last }));
        run(
            &mut w,
            f,
            Command::OpenStep(flow::OpenStep {
                duration_secs: None,
            }),
        );
        let waiting = divergence::SubmitIdea {
            text: "idée en attente".into(),
            category: None,
            seat: None,
        };
        run(&mut w, a, Command::SubmitIdea(waiting));
        let idea = IdeaId(w.all_ideas().len() as u32 - 1);
        run(
            &mut w,
            f,
            Command::AcceptIdea(divergence::AcceptIdea { idea }),
        );
        run(
            &mut w,
            f,
            Command::DealPersonas(crate::methods::persona::DealPersonas {}),
        );
        let question = crate::methods::questions::SetTableQuestion {
            table: None,
            question: "Comment pourrions-nous… ?".into(),
        };
        run(&mut w, a, Command::SetTableQuestion(question));
        let circle = crate::methods::spider_web::OpenCircle { circle: 1 };
        run(&mut w, f, Command::OpenCircle(circle));
        let take_over = crate::joining::TakeOverTable { table: TableId(1) };
        run(&mut w, Role::Guest, Command::TakeOverTable(take_over));
        use crate::methods::journey;
        run(
            &mut w,
            f,
            Command::GoToStep(flow::GoToStep { step: last + 1 }),
        );
        run(&mut w, f, open_journey);
        let note = journey::AddNote {
            stage: 1,
            row: journey::Row::Feeling,
            text: "perdue".into(),
        };
        run(&mut w, a, Command::AddNote(note));
        let stage = journey::OpenStage { stage: Some(1) };
        run(&mut w, f, Command::OpenStage(stage));
        let rating = journey::RateStage {
            stage: 1,
            rating: Some(2),
        };
        run(&mut w, b, Command::RateStage(rating));
        let role = crate::methods::roles::ChooseRole {
            table: None,
            seat: 2,
            role: Some(1),
        };
        run(&mut w, a, Command::ChooseRole(role));
        (w, log)
    }

    #[test]
    fn every_event_kind_has_an_audience_for_every_role() {
        let (w, log) = every_kind_of_event();
        let kinds: BTreeSet<&str> = log.iter().map(Event::kind).collect();
        let all: BTreeSet<&str> = Event::KINDS.iter().copied().collect();
        assert_eq!(
            kinds, all,
            "the sample workshop must record every event kind"
        );
        let roles = [
            Role::Facilitator,
            Role::Table(TableId(0)),
            Role::Table(TableId(1)),
            Role::Wall,
            Role::Guest,
        ];
        for event in &log {
            for role in roles {
                let seen = event.view_for(role, &w);
                match (event.audience(), role) {
                    (_, Role::Facilitator) => assert_eq!(seen.as_ref(), Some(event)),
                    (Audience::OneTable(table), Role::Table(me)) if table == me => {
                        assert_eq!(seen.as_ref(), Some(event))
                    }
                    (Audience::OneTable(_) | Audience::Facilitator, _) => {
                        assert_eq!(seen, None, "{role:?} must not see {event:?}")
                    }
                    (Audience::Everyone, _) => {
                        let seen = seen.unwrap_or_else(|| panic!("{role:?} misses {event:?}"));
                        let json = serde_json::to_string(&seen).unwrap();
                        assert!(!json.contains(HIDDEN_TEXT), "{role:?} reads {json}");
                        assert_eq!(seen.kind(), event.kind());
                    }
                }
            }
            // A table sees what the wall sees, plus its own points and scores:
            // the server shares one encoded frame between tables and wall.
            if event.audience() == Audience::Everyone {
                let wall = event.view_for(Role::Wall, &w);
                assert_eq!(event.view_for(Role::Table(TableId(0)), &w), wall);
                assert_eq!(event.view_for(Role::Guest, &w), wall);
            }
        }
    }

    #[test]
    fn snapshots_hold_no_hidden_text_and_only_the_tables_own_points() {
        let (w, _) = every_kind_of_event();
        let a = Role::Table(TableId(0));
        let view = w.view_for(a);
        let json = serde_json::to_string(&view).unwrap();
        assert!(!json.contains(HIDDEN_TEXT), "hidden text withheld: {json}");
        assert!(!json.contains(NOTES_TEXT), "the notes withheld: {json}");
        let seen_by_a = Workshop::from_view(view).unwrap();
        let ledger = seen_by_a.vote_ledger(2).unwrap();
        assert_eq!(ledger.spent(TableId(0)), 3);
        assert_eq!(
            ledger.spent(TableId(1)),
            0,
            "another table's points withheld"
        );
        let shape = w.sheet_shape(3).unwrap();
        let sheet = seen_by_a.score_sheet(3).unwrap();
        let cell = |t| crate::methods::scoring::sheet::ScoreCell {
            table: TableId(t),
            seat: 1,
            item: 0,
            criterion: 0,
        };
        assert_eq!(sheet.score(shape, cell(0)), Some(4));
        assert_eq!(
            sheet.score(shape, cell(1)),
            None,
            "another table's scores withheld"
        );
        let dots = seen_by_a.dot_ledger(4).unwrap();
        assert_eq!(dots.placed(TableId(0), 2), 1, "its own dot");
        let wall_view = w.view_for(Role::Wall);
        let wall_json = serde_json::to_string(&wall_view).unwrap();
        assert!(!wall_json.contains(HIDDEN_TEXT) && !wall_json.contains(NOTES_TEXT));
        let wall = Workshop::from_view(wall_view).unwrap();
        assert_eq!(wall.vote_ledger(2).unwrap().tallies().count(), 0);
        assert_eq!(wall.score_sheet(3).unwrap().given_by(TableId(1)), 0);
        assert_eq!(wall.dot_ledger(4).unwrap().placed(TableId(0), 2), 0);
        // The facilitator's view rebuilds the very same workshop: it is what
        // the server stores as a snapshot.
        let stored = serde_json::to_string(&w.view_for(Role::Facilitator)).unwrap();
        let back = Workshop::from_view(serde_json::from_str(&stored).unwrap()).unwrap();
        assert_eq!(back, w);
    }
}
