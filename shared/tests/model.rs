//! Property tests: random sequences of commands from random roles, checked
//! against a simple reference model after every command.
//!
//! The model is deliberately naive: it rebuilds who wrote what and which items
//! stand from the events alone, keeps votes and scores in plain maps, and
//! decides on its own whether a vote may be accepted. After each command we
//! check the engine agrees with it, that the invariants of the rules hold, that
//! a refusal changed nothing, and at the end that replaying the events
//! rebuilds the same workshop and the same views.
//!
//! Cases: 10,000 by default; set `PROPTEST_CASES` for more.

use std::collections::BTreeMap;

use proptest::prelude::*;
use ruche_shared::config::{ScoringItemsSource, StepConfig};
use ruche_shared::{
    ClusterId, Command, Event, IdeaId, ItemRef, Role, StepKind, TableId, Template, Workshop,
    WorkshopConfig, source_criteria,
};

const BUDGET: u32 = 7;
const CAP: u32 = 3;

/// The chained workshop (divergence 0, grouping 1, vote 2, scoring 3 of the
/// vote's top 3, results 4), with a small budget so that it runs out often.
fn config(allow_self_vote: bool) -> WorkshopConfig {
    let mut setup = Template::IdeationThenEvaluation.setup("S", "Q", source_criteria(), vec![]);
    setup.steps[0] = StepConfig::Divergence { max_idea_chars: 12 };
    setup.steps[2] = StepConfig::BudgetVote {
        budget: BUDGET,
        cap_per_item: CAP,
        allow_self_vote,
    };
    if let StepConfig::Scoring { items, .. } = &mut setup.steps[3] {
        *items = ScoringItemsSource::TopOfVote { step: 2, count: 3 };
    }
    WorkshopConfig::new(setup).unwrap()
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![
        3 => Just(Role::Facilitator),
        6 => (0..4_u32).prop_map(|t| Role::Table(TableId(t))),
        1 => Just(Role::Wall),
        2 => Just(Role::Guest),
    ]
}

fn item() -> impl Strategy<Value = ItemRef> {
    prop_oneof![
        3 => (0..8_u32).prop_map(|i| ItemRef::Idea(IdeaId(i))),
        1 => (0..4_u32).prop_map(|c| ItemRef::Cluster(ClusterId(c))),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("idée".to_owned()),
        Just("  ".to_owned()),
        Just("x".repeat(13)),
        // Plain strategies, not a regex: proptest's regex generator runs 20×
        // slower when other crates of the workspace turn on regex-syntax's
        // Unicode features.
        prop::collection::vec(prop::sample::select(vec!['a', 'b', 'z', 'é', ' ']), 1..12)
            .prop_map(String::from_iter),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        2 => (0..6_u8).prop_map(|n| Command::JoinTable { name: format!("T{n}") }),
        4 => text().prop_map(|text| Command::SubmitIdea { text }),
        1 => ((0..8_u32), text()).prop_map(|(i, text)| Command::EditIdea { idea: IdeaId(i), text }),
        1 => (0..8_u32).prop_map(|i| Command::DeleteIdea { idea: IdeaId(i) }),
        2 => (prop::collection::vec(item(), 0..4), prop::option::of(text()))
            .prop_map(|(items, title)| Command::MergeItems { items, title }),
        1 => ((0..4_u32), text()).prop_map(|(c, title)| Command::RenameCluster { cluster: ClusterId(c), title }),
        1 => (0..4_u32).prop_map(|c| Command::SplitCluster { cluster: ClusterId(c) }),
        1 => ((0..8_u32), any::<bool>()).prop_map(|(i, hidden)| Command::SetIdeaHidden { idea: IdeaId(i), hidden }),
        14 => (item(), 0..5_u32).prop_map(|(item, points)| Command::SetVote { item, points }),
        12 => ((0..4_u8), (0..4_u32), (0..4_u32), prop::option::of(0..12_u8))
            .prop_map(|(seat, item, criterion, score)| Command::SetScore { seat, item, criterion, score }),
        2 => (0..6_usize).prop_map(|step| Command::GoToStep { step }),
        3 => prop::option::of(0..600_u32).prop_map(|duration_secs| Command::OpenStep { duration_secs }),
        1 => Just(Command::CloseStep),
        1 => any::<bool>().prop_map(|locked| Command::SetJoiningLocked { locked }),
        1 => any::<bool>().prop_map(|visible| Command::SetResultsVisible { visible }),
    ]
}

/// The reference model: plain maps, rebuilt from events.
#[derive(Default)]
struct Model {
    step: usize,
    open: bool,
    tables: u32,
    /// Per idea: author, live (not deleted or hidden), cluster.
    ideas: Vec<(Option<TableId>, bool, Option<ClusterId>)>,
    /// Per cluster: its ideas, and whether it still stands.
    clusters: Vec<(Vec<IdeaId>, bool)>,
    votes: BTreeMap<(TableId, ItemRef), u32>,
    scores: BTreeMap<(TableId, u8, u32, u32), u8>,
    scoring_items: Option<usize>,
}

impl Model {
    fn observe(&mut self, event: &Event) {
        match event {
            Event::TableJoined { .. } => self.tables += 1,
            Event::IdeaSubmitted { author, .. } => self.ideas.push((*author, true, None)),
            Event::IdeaDeleted { idea } => self.ideas[idea.index()].1 = false,
            Event::IdeaHiddenChanged { idea, hidden } => self.ideas[idea.index()].1 = !hidden,
            Event::ClusterFormed {
                cluster,
                ideas,
                dissolved,
                ..
            } => {
                for c in dissolved {
                    self.clusters[c.index()].1 = false;
                }
                for i in ideas {
                    self.ideas[i.index()].2 = Some(*cluster);
                }
                self.clusters.push((ideas.clone(), true));
            }
            Event::ClusterSplit { cluster } => {
                self.clusters[cluster.index()].1 = false;
                for i in self.clusters[cluster.index()].0.clone() {
                    self.ideas[i.index()].2 = None;
                }
            }
            Event::VoteSet {
                table,
                item,
                points,
                ..
            } => {
                self.votes.insert((*table, *item), *points);
            }
            Event::ScoreSet {
                table,
                seat,
                item,
                criterion,
                score,
                ..
            } => match score {
                Some(s) => {
                    self.scores.insert((*table, *seat, *item, *criterion), *s);
                }
                None => {
                    self.scores.remove(&(*table, *seat, *item, *criterion));
                }
            },
            Event::ScoringItemsChosen { items, .. } => self.scoring_items = Some(items.len()),
            Event::StepChanged { step } => (self.step, self.open) = (*step, false),
            Event::StepOpened { .. } => self.open = true,
            Event::StepClosed { .. } => self.open = false,
            Event::IdeaEdited { .. }
            | Event::ClusterRenamed { .. }
            | Event::JoiningLockedChanged { .. }
            | Event::ResultsVisibleChanged { .. } => {}
        }
    }

    fn stands(&self, item: ItemRef) -> bool {
        match item {
            ItemRef::Idea(i) => self
                .ideas
                .get(i.index())
                .is_some_and(|(_, live, c)| *live && c.is_none()),
            ItemRef::Cluster(c) => self
                .clusters
                .get(c.index())
                .is_some_and(|(_, alive)| *alive),
        }
    }

    fn wrote(&self, table: TableId, item: ItemRef) -> bool {
        let ideas = match item {
            ItemRef::Idea(i) => vec![i],
            ItemRef::Cluster(c) => self.clusters[c.index()].0.clone(),
        };
        ideas.iter().any(|i| self.ideas[i.index()].0 == Some(table))
    }

    fn spent(&self, table: TableId) -> u32 {
        self.votes
            .iter()
            .filter(|((t, _), _)| *t == table)
            .map(|(_, p)| p)
            .sum()
    }

    /// The model's own verdict on a vote: `Ok` or the violation code.
    fn vote_verdict(
        &self,
        role: Role,
        item: ItemRef,
        points: u32,
        self_vote: bool,
    ) -> Result<(), &'static str> {
        let Role::Table(table) = role else {
            return Err("not_allowed_for_role");
        };
        if table.0 >= self.tables {
            return Err("unknown_table");
        }
        if self.step != 2 {
            return Err("wrong_step");
        }
        if !self.open {
            return Err("step_closed");
        }
        if !self.stands(item) {
            return Err("unknown_item");
        }
        if points > CAP {
            return Err("item_cap_exceeded");
        }
        if points > 0 && !self_vote && self.wrote(table, item) {
            return Err("own_idea");
        }
        let old = self.votes.get(&(table, item)).copied().unwrap_or(0);
        if self.spent(table) - old + points > BUDGET {
            return Err("budget_exceeded");
        }
        Ok(())
    }
}

/// The step kinds in which a command may take effect.
fn allowed_kinds(role: Role, command: &Command) -> Option<&'static [StepKind]> {
    use StepKind::*;
    Some(match (command, role) {
        (
            Command::SubmitIdea { .. } | Command::EditIdea { .. } | Command::DeleteIdea { .. },
            Role::Table(_),
        ) => &[Divergence],
        (
            Command::SubmitIdea { .. } | Command::EditIdea { .. } | Command::SetIdeaHidden { .. },
            _,
        ) => &[Divergence, Grouping],
        (
            Command::MergeItems { .. }
            | Command::RenameCluster { .. }
            | Command::SplitCluster { .. },
            _,
        ) => &[Grouping],
        (Command::SetVote { .. }, _) => &[BudgetVote],
        (Command::SetScore { .. }, _) => &[Scoring],
        _ => return None,
    })
}

fn check_invariants(w: &Workshop, self_vote: bool) -> Result<(), TestCaseError> {
    let ledger = w.vote_ledger(2).unwrap();
    prop_assert!(ledger.check_sums(), "running sums drifted");
    for table in w.tables() {
        prop_assert!(ledger.spent(table.id) <= BUDGET, "table over budget");
        for (item, points) in ledger.given_by(table.id) {
            prop_assert!(points <= CAP, "over the cap");
            prop_assert!(
                self_vote || !w.is_authored_by(item, table.id),
                "points on own idea"
            );
        }
    }
    if let Some(results) = w.scoring_results(3) {
        for item in &results.items {
            for stats in &item.criteria {
                prop_assert_eq!(
                    stats.counts.len(),
                    11,
                    "scores outside 0–10 would widen the counts"
                );
            }
        }
    }
    Ok(())
}

/// Where a case starts before its random commands: most start from a room
/// already at work, so that random commands reach deep into votes and scores
/// instead of spending themselves on joining and moving between steps.
fn warm_up(depth: u8) -> Vec<(Role, Command)> {
    let facilitator = |command| (Role::Facilitator, command);
    let mut commands = Vec::new();
    if depth >= 1 {
        commands.extend((0..4).map(|t| {
            (
                Role::Guest,
                Command::JoinTable {
                    name: format!("T{t}"),
                },
            )
        }));
        commands.push(facilitator(Command::OpenStep {
            duration_secs: None,
        }));
    }
    if depth >= 2 {
        for n in 0..8_u32 {
            let text = format!("idée {n}");
            commands.push((Role::Table(TableId(n % 4)), Command::SubmitIdea { text }));
        }
        commands.push(facilitator(Command::GoToStep { step: 2 }));
        commands.push(facilitator(Command::OpenStep {
            duration_secs: None,
        }));
    }
    if depth >= 3 {
        for n in 0..8_u32 {
            let item = ItemRef::Idea(IdeaId((n + 1) % 8));
            commands.push((
                Role::Table(TableId(n % 4)),
                Command::SetVote {
                    item,
                    points: n % 4,
                },
            ));
        }
        commands.push(facilitator(Command::GoToStep { step: 3 }));
        commands.push(facilitator(Command::OpenStep {
            duration_secs: None,
        }));
    }
    commands
}

fn run(commands: Vec<(Role, Command)>, self_vote: bool, depth: u8) -> Result<(), TestCaseError> {
    let config = config(self_vote);
    let mut w = Workshop::new(config.clone());
    let mut model = Model::default();
    let mut log = Vec::new();
    let prefix = warm_up(depth);
    for (n, (role, command)) in prefix.into_iter().chain(commands).enumerate() {
        let before = w.clone();
        let kind_before = w.current_step_config().kind();
        let open_before = w.is_step_open();
        let verdict = match &command {
            Command::SetVote { item, points } => {
                Some(model.vote_verdict(role, *item, *points, self_vote))
            }
            _ => None,
        };
        let outcome = w.handle(role, &command, n as u64 * 1000);
        match &outcome {
            Ok(events) => {
                if let Some(kinds) = allowed_kinds(role, &command) {
                    prop_assert!(
                        kinds.contains(&kind_before),
                        "{command:?} took effect in {kind_before:?}"
                    );
                    if matches!(role, Role::Table(_)) {
                        prop_assert!(open_before, "{command:?} took effect in a closed step");
                    }
                }
                for event in events {
                    model.observe(event);
                }
                log.extend(events.iter().cloned());
            }
            Err(_) => prop_assert_eq!(&w, &before, "a refused {:?} changed the workshop", command),
        }
        if let Some(verdict) = verdict {
            let engine = outcome.as_ref().map(|_| ()).map_err(|v| v.code());
            prop_assert_eq!(
                engine,
                verdict,
                "engine and model disagree on {:?} by {:?}",
                command,
                role
            );
        }
        check_invariants(&w, self_vote)?;
    }

    // The model's plain maps and the engine's running sums agree.
    let ledger = w.vote_ledger(2).unwrap();
    for table in w.tables() {
        prop_assert_eq!(ledger.spent(table.id), model.spent(table.id));
    }
    let histogram = w.vote_histogram(2).unwrap();
    for bar in &histogram.bars {
        let points: u32 = model
            .votes
            .iter()
            .filter(|((_, i), _)| *i == bar.item)
            .map(|(_, p)| p)
            .sum();
        prop_assert_eq!(bar.points, points);
    }
    if let Some(results) = w.scoring_results(3) {
        prop_assert_eq!(Some(results.items.len()), model.scoring_items.or(Some(0)));
        for item in &results.items {
            for (c, stats) in item.criteria.iter().enumerate() {
                let given = model
                    .scores
                    .iter()
                    .filter(|((_, _, i, k), _)| *i == item.item && *k == c as u32)
                    .count();
                prop_assert_eq!(stats.scorers as usize, given);
            }
        }
    }

    // Replaying the log rebuilds the same workshop and the same views.
    let mut replayed = Workshop::new(config);
    for event in &log {
        replayed
            .apply(event)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
    prop_assert_eq!(&replayed, &w);
    prop_assert_eq!(replayed.vote_histogram(2), w.vote_histogram(2));
    prop_assert_eq!(replayed.scoring_results(3), w.scoring_results(3));
    prop_assert_eq!(replayed.participation(), w.participation());
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_commands_never_break_the_rules(
        commands in prop::collection::vec((role(), command()), 1..120),
        self_vote in prop::bool::weighted(0.2),
        depth in 0..4_u8,
    ) {
        run(commands, self_vote, depth)?;
    }
}

/// The generator must reach the rules worth testing: if a change to it (or to
/// the engine) made accepted votes and scores rare, the property above would
/// pass while testing little.
#[test]
fn the_generator_reaches_accepted_votes_and_scores() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = (prop::collection::vec((role(), command()), 1..120), 0..4_u8);
    let (mut votes, mut scores) = (0, 0);
    for _ in 0..500 {
        let (commands, depth) = strategy.new_tree(&mut runner).unwrap().current();
        let mut w = Workshop::new(config(false));
        for (role, command) in warm_up(depth).into_iter().chain(commands) {
            let accepted = w.handle(role, &command, 0).is_ok();
            match command {
                Command::SetVote { .. } if accepted => votes += 1,
                Command::SetScore { .. } if accepted => scores += 1,
                _ => {}
            }
        }
    }
    assert!(
        votes > 1000 && scores > 200,
        "only {votes} votes and {scores} scores accepted"
    );
}
