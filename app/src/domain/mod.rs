//! The rules of every field of the account request, in pure Rust.
//!
//! The browser uses these parsers for live feedback and the server uses the very same ones as the authority,
//! so a rule is written once. Each parser turns raw text into a type that can only exist valid, or into an
//! error whose `Display` is the French message shown next to the field.

pub mod company;
pub mod dates;
pub mod email;
pub mod login;
pub mod luhn;
pub mod organisation;
pub mod password;
pub mod person_name;
pub mod phone;
pub mod registration;
pub mod siren;

pub use email::{Email, EmailError};
pub use organisation::{OrganisationKind, Profile};
pub use person_name::{NameError, NamePart, PersonName};
pub use phone::{PhoneError, PhoneNumber, PhonePrefix};
pub use registration::{Field, FieldErrors, RawRegistration, ValidRegistration, Warning};
pub use siren::{Siren, SirenError, Siret, SiretError};
