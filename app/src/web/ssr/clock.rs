//! The shop's clock: the system time plus an offset that tests move forward, so expiry
//! (sessions, reset links, checkout holds) is tested without sleeping. Each `AppState`
//! has its own, so tests running side by side do not move each other's time.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// Unix milliseconds, as this shop sees them.
    pub fn now_ms(&self) -> i64 {
        system_ms() + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Moves this clock forward by `ms` (tests only have a reason to).
    pub fn advance(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

fn system_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Now, by the clock of the request's shop (the system clock outside a request).
pub fn now_ms() -> i64 {
    leptos::prelude::use_context::<crate::state::AppState>()
        .map(|s| s.clock.now_ms())
        .unwrap_or_else(system_ms)
}

/// This year (UTC), close enough for a birthday's upper bound.
pub fn this_year() -> i32 {
    1970 + (now_ms() / 31_556_952_000) as i32
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_advanced_clock_is_ahead_by_exactly_that_much() {
        let clock = super::Clock::default();
        let twin = clock.clone();
        let before = clock.now_ms();
        twin.advance(3_600_000);
        let after = clock.now_ms();
        assert!(after - before >= 3_600_000 && after - before < 3_610_000);
    }
}
