//! Passwords, one-time tokens, server-side sessions and sign-in throttling, for administrators and API accounts.

pub mod password;
pub mod session;
pub mod throttle;
pub mod token;
