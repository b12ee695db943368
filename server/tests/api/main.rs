//! Black-box tests of the JSON API against the spawned application, on SQLite and on PostgreSQL.

#![recursion_limit = "256"]

mod accounts;
mod admin;
mod attacks;
mod clients;
mod complement;
mod dae;
mod flood;
mod follow;
mod helpers;
mod instances;
mod legal;
mod logs;
mod online;
mod operations;
mod registrations;
mod replay;
mod retention;
mod rights;
mod security;
mod shutdown;
mod sirene;
mod transport;
mod upgrade;
