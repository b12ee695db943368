//! Black-box tests of the JSON API against the spawned application, on SQLite and on PostgreSQL.

mod helpers;
mod registrations;
mod sirene;
mod transport;
