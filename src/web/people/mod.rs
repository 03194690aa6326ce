//! People and their accounts: sign-up and sign-in, administration, privacy,
//! notifications.

pub mod accounts;
pub mod admin;
pub mod notifications;
pub mod privacy;
pub mod regions;
