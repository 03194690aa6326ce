//! The marketplace: offers and requests, organisations, suggestions.

pub mod cache;
pub mod items;
pub mod organisations;
pub mod suggestions;
