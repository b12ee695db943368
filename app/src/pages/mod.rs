//! One module per route; each entry component ends in `Page`.

//! Module names are English; the French is in the pages and their addresses.

pub mod about;
pub mod account;
pub mod admin;
pub mod follow;
pub mod legal;
pub mod not_found;
pub mod registration;
