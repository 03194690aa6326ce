//! Plain domain types and rules, no I/O.

mod kinds;
pub mod forms;
pub mod validation;

pub use kinds::{Category, Direction, ItemStatus, OrganisationKind, UnknownValue};
