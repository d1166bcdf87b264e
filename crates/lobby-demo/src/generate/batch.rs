//! Part of `generate`; shares its imports.

#[allow(unused_imports)]
use super::*;

pub(super) struct Ids {
    pub(super) ticket: i64,
    pub(super) event: i64,
    pub(super) desk: i64,
    pub(super) round: i64,
    pub(super) result: i64,
    pub(super) item_result: i64,
}

/// One generated day's rows.
pub(super) struct Batch {
    pub(super) tickets: Rows,
    pub(super) complaints: Rows,
    pub(super) events: Rows,
    pub(super) counters: Rows,
    pub(super) desk: Rows,
    pub(super) acks: Rows,
    pub(super) rounds: Rows,
    pub(super) results: Rows,
    pub(super) item_results: Rows,
}

impl Batch {
    pub(super) fn new() -> Self {
        Batch {
            tickets: Rows::new(
                "tickets",
                &[
                    "id",
                    "site_id",
                    "number",
                    "kind",
                    "priority",
                    "channel",
                    "state",
                    "held_from",
                    "title",
                    "description",
                    "unit_id",
                    "location",
                    "tenant_id",
                    "department",
                    "assignee_id",
                    "escalated",
                    "satisfaction",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "response_due_at",
                    "onsite_due_at",
                    "resolve_due_at",
                    "dispatched_at",
                    "started_at",
                    "resolved_at",
                    "verified_at",
                    "closed_at",
                    "sla_breached_at",
                    "return_visit_due_at",
                    "version",
                ],
            ),
            complaints: Rows::new(
                "complaint_records",
                &["ticket_id", "complainant", "received_at", "updated_at"],
            ),
            events: Rows::new(
                "ticket_events",
                &[
                    "id",
                    "ticket_id",
                    "at",
                    "actor_id",
                    "actor_name",
                    "action",
                    "from_state",
                    "to_state",
                    "note",
                    "detail",
                ],
            ),
            counters: Rows::new("number_series", &["site_id", "series", "n"]),
            desk: Rows::new(
                "desk_log",
                &[
                    "id",
                    "site_id",
                    "at",
                    "author_id",
                    "author_name",
                    "category",
                    "text",
                    "needs_follow_up",
                    "follow_up",
                    "closed_note",
                    "closed_by_name",
                    "closed_at",
                ],
            ),
            acks: Rows::new("desk_log_acks", &["entry_id", "user_id", "user_name", "at"]),
            rounds: Rows::new(
                "patrol_rounds",
                &[
                    "id",
                    "site_id",
                    "route_id",
                    "walker_id",
                    "walker_name",
                    "started_at",
                    "finished_at",
                    "checkpoints_done",
                    "checkpoints_total",
                    "findings",
                ],
            ),
            results: Rows::new(
                "patrol_results",
                &[
                    "id",
                    "round_id",
                    "checkpoint_id",
                    "scanned_at",
                    "recorded_at",
                    "recorded_by",
                    "note",
                ],
            ),
            item_results: Rows::new(
                "patrol_item_results",
                &["id", "result_id", "item_id", "ok", "note"],
            ),
        }
    }

    /// In an order the foreign keys accept.
    pub(super) fn all(&mut self) -> [&mut Rows; 9] {
        [
            &mut self.tickets,
            &mut self.complaints,
            &mut self.events,
            &mut self.counters,
            &mut self.desk,
            &mut self.acks,
            &mut self.rounds,
            &mut self.results,
            &mut self.item_results,
        ]
    }
}

/// Minutes into the day a call comes in: mornings and afternoons, a few at night.
pub(super) fn time_of_day(rng: &mut StdRng) -> i64 {
    const HOURS: [u32; 24] = [
        1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 16, 12, 8, 12, 15, 15, 13, 10, 7, 5, 4, 3, 2, 1,
    ];
    let total: u32 = HOURS.iter().sum();
    let mut pick = rng.gen_range(0..total);
    let mut hour = 0i64;
    for (h, w) in HOURS.iter().enumerate() {
        if pick < *w {
            hour = h as i64;
            break;
        }
        pick -= w;
    }
    hour * HOUR + rng.gen_range(0..HOUR)
}

pub(super) fn pick<'a, T>(rng: &mut StdRng, weighted: &'a [(T, u32)]) -> &'a T {
    let total: u32 = weighted.iter().map(|(_, w)| *w).sum();
    let mut n = rng.gen_range(0..total.max(1));
    for (v, w) in weighted {
        if n < *w {
            return v;
        }
        n -= w;
    }
    &weighted[0].0
}
