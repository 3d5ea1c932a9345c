//! The answers already given, per sender and operation id, so that a retried
//! operation gets the first answer again and is applied once. A tablet only
//! retries its last few operations, so each sender keeps its latest
//! [`KEPT_PER_SENDER`]; the log keeps every operation id for good.

use std::collections::{HashMap, VecDeque};

use ruche_shared::Role;
use ruche_shared::protocol::{OpId, Seq};

use super::Frame;

use crate::settings::OPS_REMEMBERED_PER_SENDER as KEPT_PER_SENDER;

/// The first answer to an operation.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Accepted; its last event has this sequence number.
    Accepted(Seq),
    /// Rejected with this frame.
    Rejected(Frame),
}

/// Answers by sender and operation id.
#[derive(Default)]
pub struct Answers {
    by_op: HashMap<(Role, OpId), Answer>,
    order: HashMap<Role, VecDeque<OpId>>,
}

impl Answers {
    /// The first answer to `op` from `sender`, if there was one.
    pub fn get(&self, sender: Role, op: &OpId) -> Option<&Answer> {
        self.by_op.get(&(sender, op.clone()))
    }

    /// Records the answer to `op`, forgetting the sender's oldest beyond the limit.
    pub fn insert(&mut self, sender: Role, op: OpId, answer: Answer) {
        let order = self.order.entry(sender).or_default();
        if self.by_op.insert((sender, op.clone()), answer).is_none() {
            order.push_back(op);
            if order.len() > KEPT_PER_SENDER
                && let Some(oldest) = order.pop_front()
            {
                self.by_op.remove(&(sender, oldest));
            }
        }
    }

    /// Forgets an answer (its command was not written after all).
    pub fn remove(&mut self, sender: Role, op: &OpId) {
        self.by_op.remove(&(sender, op.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruche_shared::TableId;

    #[test]
    fn answers_are_kept_per_sender_up_to_the_limit() {
        let mut answers = Answers::default();
        let (a, b) = (Role::Table(TableId(0)), Role::Table(TableId(1)));
        let op = |n: usize| OpId(format!("op-{n}"));
        answers.insert(a, op(0), Answer::Accepted(1));
        assert!(matches!(answers.get(a, &op(0)), Some(Answer::Accepted(1))));
        assert!(
            answers.get(b, &op(0)).is_none(),
            "another table's op id is not ours"
        );
        for n in 1..=KEPT_PER_SENDER {
            answers.insert(a, op(n), Answer::Accepted(n as u64 + 1));
        }
        assert!(answers.get(a, &op(0)).is_none(), "the oldest is forgotten");
        assert!(answers.get(a, &op(KEPT_PER_SENDER)).is_some());
    }
}
