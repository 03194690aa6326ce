//! What the municipality sees: the dashboard, its tables and charts, the open API.

pub mod api;
pub mod charts;
pub mod dashboard;
pub mod report;
pub mod tables;
