//! The state of the request form: what was typed, which fields were visited, and the errors to show.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;

use super::register::Register;
use crate::api::RegistrationRequest;
use crate::components::keep_typed;
use crate::domain::registration::require_company_name;
use crate::domain::siren::strip_spaces;
use crate::domain::{Field, FieldErrors, PhonePrefix, Profile};

#[derive(Clone, Copy)]
pub struct FormState {
    pub data: RwSignal<RegistrationRequest>,
    /// Fields the applicant has left at least once: their errors show while typing from then on.
    pub touched: RwSignal<BTreeSet<Field>>,
    /// Errors answered by the server, until the field changes.
    pub server_errors: RwSignal<BTreeMap<Field, String>>,
    pub register: RwSignal<Register>,
    /// Information under the SIREN/SIRET fields ("the spaces were removed").
    pub notices: RwSignal<BTreeMap<Field, String>>,
    /// The form's errors and warnings, worked out once per change (not once per field that shows them).
    errors: Memo<FieldErrors>,
    warnings: Memo<Vec<(Field, String)>>,
}

pub fn blank() -> RegistrationRequest {
    RegistrationRequest {
        profile: Profile::Api.code().to_string(),
        phone_prefix: PhonePrefix::Metropole.code().to_string(),
        ..RegistrationRequest::default()
    }
}

impl FormState {
    pub fn new() -> Self {
        let data = RwSignal::new(blank());
        let register = RwSignal::new(Register::Idle);
        let state = Self {
            data,
            touched: RwSignal::new(BTreeSet::new()),
            server_errors: RwSignal::new(BTreeMap::new()),
            register,
            notices: RwSignal::new(BTreeMap::new()),
            errors: Memo::new(move |_| all_errors(&data.read(), &register.read())),
            warnings: Memo::new(move |_| {
                data.with(|d| d.raw().warnings())
                    .into_iter()
                    .map(|(field, warning)| (field, warning.message(field)))
                    .collect()
            }),
        };
        // The HTML id of each field is its key.
        keep_typed(Field::ALL.map(Field::key), move |id, value| {
            if let Some(field) = Field::ALL.into_iter().find(|f| f.key() == id) {
                state.set(field, value);
            }
        });
        state
    }

    pub fn reset(&self) {
        self.data.set(blank());
        self.touched.set(BTreeSet::new());
        self.server_errors.set(BTreeMap::new());
        self.register.set(Register::Idle);
        self.notices.set(BTreeMap::new());
    }

    /// One field's text: it changes only when that field does.
    pub fn value(&self, field: Field) -> Signal<String> {
        let data = self.data;
        Memo::new(move |_| data.with(|d| d.get(field).to_string())).into()
    }

    pub fn setter(&self, field: Field) -> Callback<String> {
        let state = *self;
        Callback::new(move |value: String| state.set(field, value))
    }

    pub fn set(&self, field: Field, value: String) {
        self.data.update(|d| *d.get_mut(field) = value);
        // Only a change wakes what reads them: a keystroke would otherwise re-check every field's message.
        self.server_errors
            .maybe_update(|e| e.remove(&field).is_some());
        self.notices.maybe_update(|n| n.remove(&field).is_some());
    }

    /// Leaving a field: it now shows its errors; numbers typed with spaces are compacted, and it is said.
    pub fn leave(&self, field: Field) -> Callback<()> {
        let state = *self;
        Callback::new(move |()| {
            if matches!(field, Field::Siren | Field::Siret) {
                let typed = state.data.with(|d| d.get(field).to_string());
                let compact = strip_spaces(&typed);
                if compact != typed.trim()
                    && !compact.is_empty()
                    && compact.chars().all(|c| c.is_ascii_digit())
                {
                    state.set(field, compact);
                    let name = if field == Field::Siren {
                        "SIREN"
                    } else {
                        "SIRET"
                    };
                    state.notices.update(|n| {
                        n.insert(
                            field,
                            format!(
                                "Les espaces ont été retirés : le code {name} s'écrit sans espace."
                            ),
                        );
                    });
                }
            }
            state.touched.maybe_update(|t| t.insert(field));
        })
    }

    /// Every error of the form as it stands, including what the register said.
    pub fn errors(&self) -> FieldErrors {
        self.errors.get()
    }

    /// The error shown under `field` now.
    pub fn shown_error(&self, field: Field) -> Signal<Option<String>> {
        let state = *self;
        let shown = Memo::new(move |_| {
            if let Some(e) = state.server_errors.with(|e| e.get(&field).cloned()) {
                return Some(e);
            }
            let visible = state.touched.with(|t| t.contains(&field))
                || state.data.with(|d| {
                    eager(
                        field,
                        d.get(field),
                        PhonePrefix::from_code(d.get(Field::PhonePrefix)),
                    )
                });
            if visible {
                state.errors.with(|e| e.get(field).map(str::to_string))
            } else {
                None
            }
        });
        shown.into()
    }

    pub fn shown_warning(&self, field: Field) -> Signal<Option<String>> {
        let state = *self;
        Memo::new(move |_| {
            if !state.touched.with(|t| t.contains(&field)) {
                return None;
            }
            state.warnings.with(|w| {
                w.iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, message)| message.clone())
            })
        })
        .into()
    }

    pub fn notice(&self, field: Field) -> Signal<Option<String>> {
        let notices = self.notices;
        Signal::derive(move || notices.with(|n| n.get(&field).cloned()))
    }
}

/// The form's errors, with what the register said about the SIREN typed.
fn all_errors(d: &RegistrationRequest, register: &Register) -> FieldErrors {
    let mut errors = d.raw().parse().err().unwrap_or_default();
    if register.siren() == Some(d.siren.trim())
        && let Some(e) = register.siren_error()
    {
        errors.insert(Field::Siren, e);
    }
    if register.name_is_typed()
        && let Err(e) = require_company_name(Some(d.company_name.trim()))
    {
        errors.insert(Field::CompanyName, e);
    }
    errors
}

/// Whether an error may show before the field is left: when more typing cannot mend it, or when the number
/// is as long as the chosen prefix's longest numbers (10 digits with +33 and its trunk 0, 6 with +687).
fn eager(field: Field, value: &str, prefix: Option<PhonePrefix>) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let stray = |allowed: &dyn Fn(char) -> bool| value.chars().any(|c| !allowed(c));
    match field {
        Field::LastName | Field::FirstName => {
            stray(&|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’'))
        }
        Field::Siren => digits >= 9 || stray(&|c| c.is_ascii_digit() || c.is_whitespace()),
        Field::Siret => digits >= 14 || stray(&|c| c.is_ascii_digit() || c.is_whitespace()),
        Field::PhoneNumber => {
            let complete = prefix.map_or(10, |prefix| {
                let plan = prefix.plan();
                plan.lengths.iter().copied().max().unwrap_or(9) + usize::from(plan.trunk_zero)
            });
            digits >= complete || stray(&|c| c.is_ascii_digit() || " .-()/+\u{a0}".contains(c))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_number_is_complete_at_its_prefix_length() {
        let prefix = |code| PhonePrefix::from_code(code);
        assert!(!eager(Field::PhoneNumber, "06 12 34 56 7", prefix("+33")));
        assert!(eager(Field::PhoneNumber, "06 12 34 56 78", prefix("+33")));
        // New Caledonia: six digits, no trunk 0; French Polynesia: up to nine.
        assert!(eager(Field::PhoneNumber, "25 12 34", prefix("+687")));
        assert!(!eager(Field::PhoneNumber, "25 12 3", prefix("+687")));
        assert!(!eager(Field::PhoneNumber, "87 12 34 5", prefix("+689")));
        assert!(eager(Field::PhoneNumber, "87 12 34 56 7", prefix("+689")));
        // Saint-Pierre-et-Miquelon has six- and nine-digit numbers: six digits may still grow.
        assert!(!eager(Field::PhoneNumber, "41 23 45", prefix("+508")));
        assert!(eager(Field::PhoneNumber, "06 12 ab", prefix("+33")));
    }
}
