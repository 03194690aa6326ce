//! Tools for development, tests and measurement, not for a municipality's
//! server: the matching benchmark, the demo marketplace and (in `db`) the
//! embedded Postgres launcher. They are compiled with the `dev` feature, on by
//! default; a production build leaves them out:
//! `cargo build --release --no-default-features`.

pub mod bench;
pub mod demo;
