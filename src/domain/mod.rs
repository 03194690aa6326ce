//! Plain domain types and rules, no I/O.

pub mod branding;
pub mod calendar;
pub mod dates;
pub mod evaluation;
pub mod floor;
pub mod forms;
pub mod goals;
mod kinds;
pub mod match_status;
pub mod region;
pub mod signup;
pub mod validation;

pub use kinds::{Category, Direction, EventStatus, ItemStatus, OrganisationKind, UnknownValue};
