//! Passwords, one-time tokens, server-side sessions, sign-in and its throttling, for every kind of principal:
//! administrators and API accounts.

#![warn(missing_docs)]

pub mod password;
pub mod session;
pub mod sign_in;
pub mod throttle;
pub mod token;
