//! API accounts: the password page of the emailed link, sign-in, the account page, and recovery.

pub mod overview;
pub mod password;
pub mod recovery;
pub mod sign_in;
