//! An edition of the beursvloer: its page and sign-up, the makelaar's werkplaats,
//! matches and their personal links, the notaris table, uploads and the live screen.

pub mod badges;
pub mod evaluations;
pub mod events;
pub mod floor;
pub mod imports;
pub mod links;
pub mod live;
pub mod matches;
pub mod notaris;
pub mod signup;
pub mod workspace;
