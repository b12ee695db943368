//! One module per route; each entry component ends in `Page`.

pub mod admin;
pub mod apropos;
pub mod compte;
pub mod inscription;
pub mod legal;
pub mod not_found;
