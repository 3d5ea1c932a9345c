//! Random sequences of commands from random roles against the engine, with
//! the invariants of the engine's property test (`shared/tests/model.rs`):
//! a refusal changes nothing; budgets and caps hold; running sums agree with
//! the ledger; replaying the events rebuilds the same workshop and views.
#![no_main]

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use ruche_shared::methods::{budget_vote, divergence, dot_vote, grouping, scoring};
use ruche_shared::{
    ClusterId, Command, IdeaId, ItemRef, Role, StepConfig, TableId, Template, Workshop,
    WorkshopConfig, source_criteria,
};
use ruche_shared::{flow, joining};

const BUDGET: u32 = 7;
const CAP: u32 = 3;
const DOTS: u32 = 2;

/// The workshop every run starts from, checked once (a `WorkshopConfig` is
/// shared, so each run's copy is a reference count).
fn config() -> WorkshopConfig {
    static CONFIG: std::sync::OnceLock<WorkshopConfig> = std::sync::OnceLock::new();
    CONFIG.get_or_init(build_config).clone()
}

fn build_config() -> WorkshopConfig {
    let mut setup = Template::IdeationThenEvaluation.setup("S", "Q", source_criteria(), vec![]);
    setup.steps[2] = StepConfig::BudgetVote(budget_vote::Config {
        budget: BUDGET,
        cap_per_item: CAP,
        allow_self_vote: false,
        own_groups: Default::default(),
    });
    // A dot vote before the results: two dots per seat, so that they run out.
    let dots = dot_vote::Config {
        dots_per_seat: DOTS,
        ..dot_vote::Config::default()
    };
    setup.steps.insert(4, StepConfig::DotVote(dots));
    WorkshopConfig::new(setup).expect("a valid config")
}

fn role(u: &mut Unstructured) -> Result<Role> {
    Ok(match u.int_in_range(0..=5)? {
        0 | 1 => Role::Facilitator,
        2 => Role::Wall,
        3 => Role::Guest,
        _ => Role::Table(TableId(u.int_in_range(0..=4)?)),
    })
}

fn item(u: &mut Unstructured) -> Result<ItemRef> {
    Ok(if u.ratio(3, 4)? {
        ItemRef::Idea(IdeaId(u.int_in_range(0..=9)?))
    } else {
        ItemRef::Cluster(ClusterId(u.int_in_range(0..=4)?))
    })
}

fn text(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=3)? {
        0 => "idée".to_owned(),
        1 => " ".to_owned(),
        2 => "x".repeat(u.int_in_range(0..=300)?),
        _ => u.arbitrary::<String>()?,
    })
}

fn command(u: &mut Unstructured) -> Result<Command> {
    Ok(match u.int_in_range(0..=18)? {
        0 => Command::JoinTable(joining::JoinTable { name: text(u)? }),
        1 => Command::SubmitIdea(divergence::SubmitIdea { text: text(u)?, category: None, seat: None }),
        2 => Command::EditIdea(divergence::EditIdea {
            idea: IdeaId(u.int_in_range(0..=9)?),
            text: text(u)?,
        }),
        3 => Command::DeleteIdea(divergence::DeleteIdea {
            idea: IdeaId(u.int_in_range(0..=9)?),
        }),
        4 => Command::MergeItems(grouping::MergeItems {
            items: (0..u.int_in_range(0..=3)?)
                .map(|_| item(u))
                .collect::<Result<_>>()?,
            title: if u.arbitrary()? { Some(text(u)?) } else { None },
        }),
        5 => Command::RenameCluster(grouping::RenameCluster {
            cluster: ClusterId(u.int_in_range(0..=4)?),
            title: text(u)?,
        }),
        6 => Command::SplitCluster(grouping::SplitCluster {
            cluster: ClusterId(u.int_in_range(0..=4)?),
        }),
        7 => Command::SetIdeaHidden(grouping::SetIdeaHidden {
            idea: IdeaId(u.int_in_range(0..=9)?),
            hidden: u.arbitrary()?,
        }),
        8 => Command::SetVote(budget_vote::SetVote {
            item: item(u)?,
            points: u.int_in_range(0..=5)?,
        }),
        9 => Command::SetScore(scoring::SetScore {
            seat: u.int_in_range(0..=4)?,
            item: u.int_in_range(0..=6)?,
            criterion: u.int_in_range(0..=3)?,
            score: if u.arbitrary()? {
                Some(u.int_in_range(0..=12)?)
            } else {
                None
            },
        }),
        10 => Command::GoToStep(flow::GoToStep {
            step: u.int_in_range(0..=6)?,
        }),
        14 => Command::SetDot(dot_vote::SetDot {
            seat: u.int_in_range(0..=4)?,
            item: item(u)?,
            dots: u.int_in_range(0..=3)?,
        }),
        11 => Command::OpenStep(flow::OpenStep {
            duration_secs: u.arbitrary()?,
        }),
        12 => Command::CloseStep(flow::CloseStep {}),
        13 => Command::SetJoiningLocked(joining::SetJoiningLocked {
            locked: u.arbitrary()?,
        }),
        15 => Command::SetNotes(ruche_shared::notes::SetNotes {
            place: text(u)?,
            conclusions: text(u)?,
        }),
        17 => Command::AcceptIdea(ruche_shared::methods::divergence::AcceptIdea {
            idea: IdeaId(u.int_in_range(0..=8)?),
        }),
        16 => Command::SetWall(ruche_shared::wall::SetWall {
            join_panel: ruche_shared::wall::JoinPanel::Small,
            focus: if u.arbitrary()? { Some(item(u)?) } else { None },
        }),
        _ => Command::SetResultsVisible(flow::SetResultsVisible {
            visible: u.arbitrary()?,
        }),
    })
}

fn run(u: &mut Unstructured) -> Result<()> {
    let config = config();
    let mut workshop = Workshop::new(config.clone());
    let mut events = Vec::new();
    let mut now = 0_u64;
    let mut refusals = 0_u32;
    while !u.is_empty() {
        let (role, command) = (role(u)?, command(u)?);
        now += u64::from(u.int_in_range(0..=60_000u32)?);
        // `check` borrows the workshop immutably, so a refusal cannot change
        // it: no copy is needed to know. (Cloning the workshop before every
        // command, as this target did, made it 10× slower.) Accepted events
        // must apply; and now and then, `handle` itself (check + apply, what
        // the server calls) is run on a copy and must refuse the same way
        // and leave the copy equal.
        match workshop.check(role, &command, now) {
            Ok(new) => {
                workshop
                    .apply_all(&new)
                    .expect("events the rules accepted apply");
                events.extend(new);
            }
            Err(violation) => {
                refusals += 1;
                if refusals % 64 == 1 {
                    let mut copy = workshop.clone();
                    assert_eq!(copy.handle(role, &command, now), Err(violation));
                    assert_eq!(copy, workshop, "a refusal changed the workshop");
                }
            }
        }
        if let Some(ledger) = workshop.vote_ledger(2) {
            assert!(ledger.check_sums(), "running sums disagree with the ledger");
            for table in workshop.tables() {
                assert!(ledger.spent(table.id) <= BUDGET, "over budget");
                for item in workshop.vote_items() {
                    assert!(ledger.points(table.id, item) <= CAP, "over the cap");
                }
            }
        }
        if let Some(dots) = workshop.dot_ledger(4) {
            assert!(dots.check_sums(), "dot totals disagree with the dots");
            for table in workshop.tables() {
                for seat in 1..=workshop.config().seats() {
                    assert!(dots.placed(table.id, seat) <= DOTS, "a seat over its dots");
                }
            }
        }
    }
    let mut replayed = Workshop::new(config);
    for event in &events {
        replayed.apply(event).expect("an accepted event replays");
    }
    assert_eq!(replayed, workshop, "replay rebuilds the same workshop");
    assert_eq!(replayed.vote_histogram(2), workshop.vote_histogram(2));
    assert_eq!(replayed.scoring_results(3), workshop.scoring_results(3));
    assert_eq!(replayed.dot_tally(4), workshop.dot_tally(4));
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
