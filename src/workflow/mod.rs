//! Use cases that change several things at once: proposing, answering,
//! confirming, the matchformulier, reminders, sign-up and interest. Each
//! opens and commits its own transaction, so a step and the news of it to
//! the parties (notifications, mail with personal links) are never apart.
//! Handlers parse, call one of these, and render.

pub mod answer;
pub mod floor;
pub mod interest;
pub mod notaris;
pub mod notify;
pub mod propose;
pub mod remind;
pub mod signup;
pub mod terms;
