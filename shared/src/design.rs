//! Editing a workshop's programme, as the step designer does: a step added
//! with its method's defaults, moved, duplicated or removed, the references
//! between steps kept right (a scoring step takes its items from an earlier
//! vote by that vote's position, so moving the vote moves the reference),
//! and each step's default countdown moving with it.
//!
//! Pure functions on [`WorkshopSetup`]: the client's designer calls them and
//! shows [`crate::WorkshopConfig::new`]'s verdict at every change; nothing here
//! checks a setup, so a programme may be invalid while it is being composed.

use crate::config::{Criterion, Lang, ScoringItemsSource, StepConfig, StepKind, WorkshopSetup};
use crate::methods::{budget_vote, divergence, dot_vote, grouping, journey, results, scoring};
use crate::templates::CHAINED_TOP_COUNT;

/// A new step of `kind`, with its method's defaults, to be placed after
/// `before` (the steps that come first): a scoring step scores the best
/// items of the last budget vote among them, or, with none, items to type.
pub fn new_step(kind: StepKind, before: &[StepConfig], lang: Lang) -> StepConfig {
    match kind {
        StepKind::Divergence => StepConfig::Divergence(divergence::Config::default()),
        StepKind::Grouping => StepConfig::Grouping(grouping::Config {}),
        StepKind::BudgetVote => StepConfig::BudgetVote(budget_vote::Config::default()),
        StepKind::DotVote => StepConfig::DotVote(dot_vote::Config::default()),
        StepKind::Results => StepConfig::Results(results::Config {}),
        StepKind::Journey => StepConfig::Journey(journey::Config::with_default_stages(lang)),
        StepKind::Scoring => StepConfig::Scoring(scoring::Config {
            criteria_from: None,
            criteria: general_criteria(lang),
            scale_min: 0,
            scale_max: 10,
            items: last_vote(before, before.len()).map_or(
                ScoringItemsSource::Given { texts: Vec::new() },
                |step| ScoringItemsSource::TopOfVote {
                    step,
                    count: CHAINED_TOP_COUNT,
                },
            ),
        }),
    }
}

/// Two criteria that fit most topics, for a new scoring step (the source's
/// acceptabilité, coût, humanisme were the refugees' workshop's own).
pub fn general_criteria(lang: Lang) -> Vec<Criterion> {
    let criterion = |name: &str, low: &str, high: &str| Criterion {
        name: name.to_owned(),
        higher_is_better: true,
        low: low.to_owned(),
        high: high.to_owned(),
    };
    match lang {
        Lang::Fr => vec![
            criterion("impact", "aucun effet", "change beaucoup"),
            criterion("faisabilité", "très difficile", "facile"),
        ],
        Lang::En => vec![
            criterion("impact", "no effect", "a great change"),
            criterion("feasibility", "very hard", "easy"),
        ],
    }
}

/// The position of the last budget vote before `index`, if any.
pub fn last_vote(steps: &[StepConfig], index: usize) -> Option<usize> {
    steps
        .iter()
        .take(index)
        .rposition(|step| matches!(step, StepConfig::BudgetVote(_)))
}

/// Adds a step of `kind` at the end.
pub fn add_step(setup: &mut WorkshopSetup, kind: StepKind) {
    let step = new_step(kind, &setup.steps, setup.lang);
    setup.steps.push(step);
}

/// Runs `change` on the countdowns laid out one per step, then drops the
/// trailing empty ones (a setup without countdowns has none).
fn with_countdowns(setup: &mut WorkshopSetup, change: impl FnOnce(&mut Vec<Option<u32>>)) {
    let countdowns = &mut setup.countdown_minutes;
    countdowns.resize(setup.steps.len().max(countdowns.len()), None);
    change(countdowns);
    while countdowns.last() == Some(&None) {
        countdowns.pop();
    }
}

/// Moves the step at `from` to position `to` (both within the steps);
/// references to every step follow it.
pub fn move_step(setup: &mut WorkshopSetup, from: usize, to: usize) {
    let count = setup.steps.len();
    if from >= count || to >= count || from == to {
        return;
    }
    let step = setup.steps.remove(from);
    setup.steps.insert(to, step);
    with_countdowns(setup, |countdowns| {
        let countdown = countdowns.remove(from);
        countdowns.insert(to, countdown);
    });
    // Where the step that was at `old` is now.
    let moved = |old: usize| {
        if old == from {
            to
        } else if from < old && old <= to {
            old - 1
        } else if to <= old && old < from {
            old + 1
        } else {
            old
        }
    };
    for step in &mut setup.steps {
        if let Some(reference) = vote_reference(step) {
            *reference = moved(*reference);
        }
    }
}

/// Inserts a copy of the step at `index` just after it.
pub fn duplicate_step(setup: &mut WorkshopSetup, index: usize) {
    let Some(copy) = setup.steps.get(index).cloned() else {
        return;
    };
    setup.steps.insert(index + 1, copy);
    with_countdowns(setup, |countdowns| {
        if index < countdowns.len() {
            countdowns.insert(index + 1, countdowns[index]);
        }
    });
    for step in &mut setup.steps {
        if let Some(reference) = vote_reference(step)
            && *reference > index
        {
            *reference += 1;
        }
    }
}

/// Removes the step at `index`. A scoring step that took its items from it
/// takes them from the last budget vote before it instead, or, with none,
/// from items to type.
pub fn remove_step(setup: &mut WorkshopSetup, index: usize) {
    if index >= setup.steps.len() {
        return;
    }
    setup.steps.remove(index);
    with_countdowns(setup, |countdowns| {
        if index < countdowns.len() {
            countdowns.remove(index);
        }
    });
    for position in 0..setup.steps.len() {
        let orphaned = match vote_reference(&mut setup.steps[position]) {
            Some(reference) if *reference > index => {
                *reference -= 1;
                false
            }
            Some(reference) => *reference == index,
            None => false,
        };
        if orphaned {
            let replacement = last_vote(&setup.steps, position);
            if let StepConfig::Scoring(config) = &mut setup.steps[position] {
                config.items = match replacement {
                    Some(step) => ScoringItemsSource::TopOfVote {
                        step,
                        count: CHAINED_TOP_COUNT,
                    },
                    None => ScoringItemsSource::Given { texts: Vec::new() },
                };
            }
        }
    }
}

/// The earlier step a scoring step takes its items from, to renumber.
fn vote_reference(step: &mut StepConfig) -> Option<&mut usize> {
    match step {
        StepConfig::Scoring(scoring::Config {
            items: ScoringItemsSource::TopOfVote { step, .. },
            ..
        }) => Some(step),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::WorkshopConfig;
    use crate::templates::{Template, source_criteria};

    fn chained() -> WorkshopSetup {
        Template::IdeationThenEvaluation.setup("Salle", "Comment ?", source_criteria(), vec![])
    }

    fn kinds(setup: &WorkshopSetup) -> Vec<StepKind> {
        setup.steps.iter().map(StepConfig::kind).collect()
    }

    fn source_of(setup: &WorkshopSetup, index: usize) -> ScoringItemsSource {
        match &setup.steps[index] {
            StepConfig::Scoring(config) => config.items.clone(),
            other => panic!("step {index} is {:?}", other.kind()),
        }
    }

    fn top_of(step: usize) -> ScoringItemsSource {
        ScoringItemsSource::TopOfVote {
            step,
            count: CHAINED_TOP_COUNT,
        }
    }

    #[test]
    fn every_new_step_is_valid_on_its_own_or_after_a_vote() {
        for &kind in StepKind::ALL {
            let mut setup = chained();
            add_step(&mut setup, kind);
            let added = setup.steps.len() - 1;
            if kind == StepKind::Scoring {
                assert_eq!(source_of(&setup, added), top_of(2), "after the vote");
            }
            assert!(
                WorkshopConfig::new(setup).is_ok(),
                "{kind:?} added with its defaults"
            );
        }
        // Without a vote before it, a scoring step asks for items to type.
        let mut setup = Template::Ideation.setup("Salle", "Comment ?", vec![], vec![]);
        setup.steps.clear();
        add_step(&mut setup, StepKind::Scoring);
        assert_eq!(
            source_of(&setup, 0),
            ScoringItemsSource::Given { texts: Vec::new() }
        );
        let refused = WorkshopConfig::new(setup).unwrap_err();
        assert_eq!(
            refused.message(Lang::Fr),
            "Étape 1 (Évaluation multicritère) : il faut entre 1 et 100 idées à noter."
        );
    }

    #[test]
    fn moving_a_step_moves_the_references_to_every_step() {
        // divergence, grouping, vote, scoring(top of 2), results
        let mut setup = chained();
        // The vote first: the scoring step still follows it.
        move_step(&mut setup, 2, 0);
        assert_eq!(
            kinds(&setup),
            [
                StepKind::BudgetVote,
                StepKind::Divergence,
                StepKind::Grouping,
                StepKind::Scoring,
                StepKind::Results
            ]
        );
        assert_eq!(source_of(&setup, 3), top_of(0));
        // The scoring step to the front: it points at the vote, now after it,
        // which the check refuses (the designer shows why).
        move_step(&mut setup, 3, 0);
        assert_eq!(source_of(&setup, 0), top_of(1));
        assert!(WorkshopConfig::new(setup.clone()).is_err());
        move_step(&mut setup, 0, 4);
        assert_eq!(source_of(&setup, 4), top_of(0));
        assert!(WorkshopConfig::new(setup.clone()).is_ok());
        // Out of range or in place: nothing moves.
        let before = setup.clone();
        move_step(&mut setup, 9, 0);
        move_step(&mut setup, 1, 1);
        assert_eq!(setup, before);
    }

    #[test]
    fn a_duplicate_comes_just_after_its_step_and_references_follow() {
        let mut setup = chained();
        duplicate_step(&mut setup, 0);
        assert_eq!(kinds(&setup)[..2], [StepKind::Divergence; 2]);
        assert_eq!(source_of(&setup, 4), top_of(3));
        duplicate_step(&mut setup, 4);
        assert_eq!(
            source_of(&setup, 5),
            top_of(3),
            "the copy scores the same vote"
        );
        assert!(WorkshopConfig::new(setup).is_ok());
    }

    #[test]
    fn each_steps_countdown_moves_with_it() {
        let mut setup = chained();
        // 10 minutes of ideas, 5 of vote.
        setup.countdown_minutes = vec![Some(10), None, Some(5)];
        move_step(&mut setup, 2, 0);
        assert_eq!(setup.countdown_minutes, [Some(5), Some(10)]);
        duplicate_step(&mut setup, 1);
        assert_eq!(setup.countdown_minutes, [Some(5), Some(10), Some(10)]);
        remove_step(&mut setup, 0);
        assert_eq!(setup.countdown_minutes, [Some(10), Some(10)]);
        move_step(&mut setup, 0, 4);
        assert_eq!(
            setup.countdown_minutes,
            [Some(10), None, None, None, Some(10)]
        );
        let mut setup = chained();
        setup.countdown_minutes = vec![Some(10), Some(181)];
        assert_eq!(
            WorkshopConfig::new(setup).unwrap_err().message(Lang::Fr),
            "Étape 2 (Regroupement) : le compte à rebours va de 1 à 180 minutes."
        );
    }

    #[test]
    fn removing_a_vote_gives_its_scoring_step_the_vote_before_or_items_to_type() {
        let mut setup = chained();
        remove_step(&mut setup, 0);
        assert_eq!(source_of(&setup, 2), top_of(1));
        // Two votes; the one it scored removed: the copy takes over.
        duplicate_step(&mut setup, 1);
        assert_eq!(source_of(&setup, 3), top_of(1));
        remove_step(&mut setup, 1);
        assert_eq!(source_of(&setup, 2), top_of(1));
        // No vote left: items to type.
        remove_step(&mut setup, 1);
        assert_eq!(
            source_of(&setup, 1),
            ScoringItemsSource::Given { texts: Vec::new() }
        );
        remove_step(&mut setup, 7);
        assert_eq!(setup.steps.len(), 3);
    }
}
