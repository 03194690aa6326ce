//! The integration tests: the real router on a free port against a fresh
//! Postgres database each, driven over HTTP like a user would. One binary,
//! one module per story.

mod common;

mod abuse;
mod accounts;
mod api;
mod authorisation;
mod branding;
mod dashboard;
mod demo;
mod evaluation;
mod faults;
mod floor;
mod fuzz;
mod goals;
mod hardening;
mod imports;
mod instances;
mod items;
mod language;
mod live;
mod mail;
mod matching;
mod participants;
mod partnerships;
mod privacy;
mod region;
mod security;
mod signup;
mod suggestions;
mod trust;
mod workflow;
