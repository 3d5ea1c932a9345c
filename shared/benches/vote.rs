//! The engine's hot path: one table sets its points on an item in a workshop
//! of 40 tables and 60 ideas. Measured fresh and after 100,000 votes already
//! applied (the cost must not grow with history), and with the histogram
//! rebuilt after the vote (what a results frame costs).
//!
//! Run: `cargo bench -p ruche-shared --bench vote`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ruche_shared::methods::{budget_vote, divergence};
use ruche_shared::{Command, IdeaId, ItemRef, Role, TableId, Template, Workshop, WorkshopConfig};
use ruche_shared::{flow, joining};

const TABLES: u32 = 40;
const IDEAS: u32 = 60;

/// A workshop at its open vote step, with 40 tables that wrote 60 ideas.
fn workshop_in_vote() -> Workshop {
    let setup = Template::Ideation.setup("Salle", "Comment ?", vec![], vec![]);
    let mut w = Workshop::new(WorkshopConfig::new(setup).expect("template is valid"));
    let facilitator = |w: &mut Workshop, c: Command| w.handle(Role::Facilitator, &c, 0).unwrap();
    for t in 0..TABLES {
        w.handle(
            Role::Guest,
            &Command::JoinTable(joining::JoinTable {
                name: format!("Table {t}"),
            }),
            0,
        )
        .unwrap();
    }
    facilitator(
        &mut w,
        Command::OpenStep(flow::OpenStep {
            duration_secs: None,
        }),
    );
    for i in 0..IDEAS {
        let text = format!("Idée numéro {i} pour la salle municipale");
        w.handle(
            Role::Table(TableId(i % TABLES)),
            &Command::SubmitIdea(divergence::SubmitIdea {
                text,
                category: None,
                seat: None,
            }),
            0,
        )
        .unwrap();
    }
    facilitator(&mut w, Command::GoToStep(flow::GoToStep { step: 2 }));
    facilitator(
        &mut w,
        Command::OpenStep(flow::OpenStep {
            duration_secs: None,
        }),
    );
    w
}

/// The i-th vote of a stream that always stays within the rules: each table
/// plays on 10 items it did not write, so it never passes 30 points.
fn nth_vote(n: u64) -> (Role, Command) {
    let table = (n % u64::from(TABLES)) as u32;
    let round = n / u64::from(TABLES);
    let not_own: Vec<u32> = (0..IDEAS).filter(|i| i % TABLES != table).collect();
    let item = not_own[((table as u64 + round) % 10) as usize];
    let points = ((round / 10) % 4) as u32;
    (
        Role::Table(TableId(table)),
        Command::SetVote(budget_vote::SetVote {
            item: ItemRef::Idea(IdeaId(item)),
            points,
        }),
    )
}

fn bench_vote(c: &mut Criterion) {
    let votes: Vec<(Role, Command)> = (0..4_000).map(nth_vote).collect();
    let mut group = c.benchmark_group("vote");

    for (name, history) in [("fresh", 0_u64), ("after_100k_votes", 100_000)] {
        let mut w = workshop_in_vote();
        for n in 0..history {
            let (role, command) = nth_vote(n);
            w.handle(role, &command, 0).unwrap();
        }
        let mut next = 0;
        group.bench_function(format!("handle_set_vote/{name}"), |b| {
            b.iter(|| {
                let (role, command) = &votes[next % votes.len()];
                next += 1;
                black_box(w.handle(*role, command, 0).unwrap());
            })
        });
    }

    let mut w = workshop_in_vote();
    let mut next = 0;
    group.bench_function("handle_set_vote_then_histogram", |b| {
        b.iter(|| {
            let (role, command) = &votes[next % votes.len()];
            next += 1;
            w.handle(*role, command, 0).unwrap();
            black_box(w.vote_histogram(2).unwrap());
        })
    });
    group.finish();
}

criterion_group!(benches, bench_vote);
criterion_main!(benches);
