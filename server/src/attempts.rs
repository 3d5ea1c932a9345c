//! Failed attempts at what must not be guessed: join codes (a table or a
//! wall with a code no workshop has, `GET /api/join/{code}`), table tokens
//! and facilitator secrets.
//!
//! Only failures count. A venue's network often puts every tablet behind one
//! address (a NAT, a reverse proxy): forty tablets joining or reconnecting
//! with the right code are not guessing and are never held back. A failure
//! counts against its address and against the server as a whole, in windows
//! of one minute; an address (or, for codes, the whole server) over its
//! budget is refused until the window ends. The server-wide budget is what
//! stops many addresses sharing out the code space; its cost is that a
//! flood of wrong codes holds back new joins for the rest of the minute
//! (reconnecting tablets, with a token, are never held back).
//!
//! Failures are logged once per window as a summary (how many, from how many
//! addresses), not one line each: a guessing script must not fill the disk
//! with the log.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The window failures are counted in.
const WINDOW: Duration = Duration::from_secs(60);

/// Addresses remembered at most in one window (beyond, the window's
/// server-wide count still holds).
const MAX_ADDRESSES: usize = 100_000;

/// Failed attempts of one kind, per address and in all.
pub struct Attempts {
    what: &'static str,
    per_address: u32,
    in_all: u32,
    state: Mutex<Window>,
}

struct Window {
    started: Instant,
    by_address: HashMap<IpAddr, u32>,
    total: u32,
}

impl Attempts {
    /// Counts failures at `what` (for the log: "join code", "facilitator
    /// secret"), allowing `per_address` per address and `in_all` in all per minute.
    pub fn new(what: &'static str, per_address: u32, in_all: u32) -> Attempts {
        Attempts {
            what,
            per_address: per_address.max(1),
            in_all: in_all.max(1),
            state: Mutex::new(Window {
                started: Instant::now(),
                by_address: HashMap::new(),
                total: 0,
            }),
        }
    }

    /// Whether `ip` may try now: its failures and the server's are under
    /// their budgets in this window.
    pub fn may_try(&self, ip: IpAddr) -> bool {
        self.may_try_at(ip, Instant::now())
    }

    /// Records a failed attempt from `ip`.
    pub fn failed(&self, ip: IpAddr) {
        self.failed_at(ip, Instant::now());
    }

    fn may_try_at(&self, ip: IpAddr, now: Instant) -> bool {
        let window = self.window(now);
        window.total < self.in_all
            && window.by_address.get(&ip).copied().unwrap_or(0) < self.per_address
    }

    fn failed_at(&self, ip: IpAddr, now: Instant) {
        let mut window = self.window(now);
        window.total = window.total.saturating_add(1);
        if window.by_address.len() < MAX_ADDRESSES || window.by_address.contains_key(&ip) {
            let count = window.by_address.entry(ip).or_default();
            *count = count.saturating_add(1);
        }
        tracing::debug!(%ip, what = self.what, "failed attempt");
    }

    /// The current window, after closing (and summing up in the log) one
    /// that has ended.
    fn window(&self, now: Instant) -> std::sync::MutexGuard<'_, Window> {
        let mut window = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if now.duration_since(window.started) >= WINDOW {
            if window.total > 0 {
                let over = window
                    .by_address
                    .values()
                    .filter(|&&n| n >= self.per_address)
                    .count();
                tracing::warn!(
                    what = self.what,
                    failures = window.total,
                    addresses = window.by_address.len(),
                    addresses_held_back = over,
                    "failed attempts in the last minute"
                );
            }
            window.started = now;
            window.by_address.clear();
            window.total = 0;
        }
        window
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([192, 168, 1, last])
    }

    #[test]
    fn only_failures_count_per_address_then_the_window_ends() {
        let attempts = Attempts::new("join code", 3, 1000);
        let start = Instant::now();
        for _ in 0..100 {
            assert!(attempts.may_try_at(ip(1), start), "trying is not failing");
        }
        for _ in 0..3 {
            attempts.failed_at(ip(1), start);
        }
        assert!(!attempts.may_try_at(ip(1), start));
        assert!(
            attempts.may_try_at(ip(2), start),
            "another address is not held back"
        );
        assert!(attempts.may_try_at(ip(1), start + WINDOW), "a new window");
    }

    #[test]
    fn many_addresses_together_meet_the_server_wide_budget() {
        let attempts = Attempts::new("join code", 30, 10);
        let start = Instant::now();
        for n in 0..10 {
            attempts.failed_at(ip(n), start);
        }
        assert!(
            !attempts.may_try_at(ip(200), start),
            "a fresh address too is held back"
        );
        assert!(attempts.may_try_at(ip(200), start + WINDOW));
    }
}
