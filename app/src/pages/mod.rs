//! One module per route; each entry component ends in `Page`.
//!
//! Module names are English; the French is in the pages and their addresses. A page's module is compiled into
//! the bundle that runs it only (`crate::front`): the public pages' islands are not in the account and
//! administrators' bundle, nor the latter's pages in the public one.

pub mod about;
#[cfg(not(feature = "islands"))]
pub mod account;
#[cfg(not(feature = "islands"))]
pub mod admin;
#[cfg(not(all(feature = "hydrate", not(feature = "islands"))))]
pub mod follow;
pub mod legal;
pub mod not_found;
#[cfg(not(all(feature = "hydrate", not(feature = "islands"))))]
pub mod registration;
