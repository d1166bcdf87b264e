//! One name, one schema. utoipa files every schema of the document under
//! its type's bare name, and a second type of the same name (a `StepView`
//! of moves beside one of tickets) silently replaces the first: clients
//! then read one type's fields for the other. Every route and every
//! feature's router is added through [`Once`], which (in a test build)
//! notes a name that arrives again with another shape; `tests::no_schema_name_is_taken_twice`
//! fails on any.

use std::sync::Mutex;

use utoipa::openapi::{OpenApi, RefOr, Schema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

use crate::state::AppState;

/// The names seen twice with different shapes, as `name` (for the test).
static CLASHES: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn note(doc: &OpenApi, incoming: &[(String, RefOr<Schema>)]) {
    let held = doc.components.as_ref().map(|c| &c.schemas);
    let mut clashes = Vec::new();
    for (i, (name, schema)) in incoming.iter().enumerate() {
        let same_name_before = incoming[..i]
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, s)| s)
            .chain(held.and_then(|h| h.get(name)));
        for other in same_name_before {
            if shape(other) != shape(schema) {
                clashes.push(name.clone());
            }
        }
    }
    if !clashes.is_empty() {
        if let Ok(mut all) = CLASHES.lock() {
            all.extend(clashes);
        }
    }
}

fn shape(s: &RefOr<Schema>) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

#[cfg(test)]
/// The schema names that were taken by two different types while the
/// routers were built.
pub fn clashes() -> Vec<String> {
    let mut v = CLASHES.lock().map(|c| c.clone()).unwrap_or_default();
    v.sort();
    v.dedup();
    v
}

/// `routes` and `merge` that note a schema name taken twice.
pub trait Once {
    fn routes_once(self, r: UtoipaMethodRouter<AppState>) -> Self;
    fn merge_once(self, other: Self) -> Self;
}

impl Once for OpenApiRouter<AppState> {
    fn routes_once(self, r: UtoipaMethodRouter<AppState>) -> Self {
        // The comparison serialises schemas: only the test needs it, so a
        // server does not pay for it at start.
        if cfg!(test) {
            note(self.get_openapi(), &r.0);
        }
        self.routes(r)
    }

    fn merge_once(self, other: Self) -> Self {
        if !cfg!(test) {
            return self.merge(other);
        }
        let incoming: Vec<(String, RefOr<Schema>)> = other
            .get_openapi()
            .components
            .as_ref()
            .map(|c| {
                c.schemas
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        note(self.get_openapi(), &incoming);
        self.merge(other)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_schema_name_is_taken_twice() {
        let _ = super::super::openapi();
        let clashes = super::clashes();
        assert!(
            clashes.is_empty(),
            "schema names taken by two types (name one with #[schema(as = …)]): {clashes:?}"
        );
    }
}
