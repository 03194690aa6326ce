//! What the municipality and the region see: the dashboards, their tables and
//! charts, the open API.

pub mod api;
pub mod charts;
pub mod dashboard;
pub mod evaluations;
pub mod goals;
pub mod region;
pub mod region_tables;
pub mod report;
pub mod tables;
