//! The state of the request form: what was typed, which fields were visited, and the errors to show.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;

use super::register::Register;
use crate::api::RegistrationRequest;
use crate::components::keep_typed;
use crate::domain::registration::require_company_name;
use crate::domain::siren::strip_spaces;
use crate::domain::{Field, FieldErrors, PhonePrefix, Profile};

/// The form's state. Each field's text is a signal of its own, and so is its error: a keystroke wakes the
/// field typed in (and the one that reads it: the SIRET reads the SIREN, the number its prefix), not the
/// whole form.
#[derive(Clone, Copy)]
pub struct FormState {
    /// The text of each field, in the order of [`Field::ALL`].
    texts: [RwSignal<String>; 10],
    /// Fields the applicant has left at least once: their errors show while typing from then on.
    pub touched: RwSignal<BTreeSet<Field>>,
    /// Errors answered by the server, until the field changes.
    pub server_errors: RwSignal<BTreeMap<Field, String>>,
    pub register: RwSignal<Register>,
    /// Information under the SIREN/SIRET fields ("the spaces were removed").
    pub notices: RwSignal<BTreeMap<Field, String>>,
    /// Each field's error, worked out when a field it reads changes.
    errors: [Memo<Option<String>>; 10],
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
        let start = blank();
        let texts = Field::ALL.map(|field| RwSignal::new(start.get(field).to_string()));
        let register = RwSignal::new(Register::Idle);
        let state = Self {
            texts,
            touched: RwSignal::new(BTreeSet::new()),
            server_errors: RwSignal::new(BTreeMap::new()),
            register,
            notices: RwSignal::new(BTreeMap::new()),
            errors: Field::ALL.map(|field| Memo::new(move |_| error(texts, register, field))),
            warnings: Memo::new(move |_| {
                let typed = read(texts, &[Field::LastName, Field::FirstName, Field::Email]);
                typed
                    .raw()
                    .warnings()
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

    /// Fills the form with a request (a refused one to correct, one to complete).
    pub fn load(&self, request: &RegistrationRequest) {
        for field in Field::ALL {
            self.set(field, request.get(field).to_string());
        }
    }

    /// The form as typed, to send.
    pub fn request(&self) -> RegistrationRequest {
        untrack(|| read(self.texts, &Field::ALL))
    }

    pub fn reset(&self) {
        self.load(&blank());
        self.touched.set(BTreeSet::new());
        self.server_errors.set(BTreeMap::new());
        self.register.set(Register::Idle);
        self.notices.set(BTreeMap::new());
    }

    /// One field's text: it changes only when that field does.
    pub fn value(&self, field: Field) -> Signal<String> {
        self.text(field).into()
    }

    fn text(&self, field: Field) -> RwSignal<String> {
        self.texts[field as usize]
    }

    pub fn setter(&self, field: Field) -> Callback<String> {
        let state = *self;
        Callback::new(move |value: String| state.set(field, value))
    }

    pub fn set(&self, field: Field, value: String) {
        // Only a change wakes what reads them.
        self.text(field).maybe_update(|text| {
            let changed = *text != value;
            *text = value;
            changed
        });
        self.server_errors
            .maybe_update(|e| e.remove(&field).is_some());
        self.notices.maybe_update(|n| n.remove(&field).is_some());
    }

    /// Leaving a field: it now shows its errors; numbers typed with spaces are compacted, and it is said.
    pub fn leave(&self, field: Field) -> Callback<()> {
        let state = *self;
        Callback::new(move |()| {
            if matches!(field, Field::Siren | Field::Siret) {
                let typed = state.text(field).get_untracked();
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
        let mut errors = FieldErrors::default();
        for field in Field::ALL {
            if let Some(e) = self.errors[field as usize].get_untracked() {
                errors.insert(field, e);
            }
        }
        errors
    }

    /// The error shown under `field` now.
    pub fn shown_error(&self, field: Field) -> Signal<Option<String>> {
        let state = *self;
        let shown = Memo::new(move |_| {
            if let Some(e) = state.server_errors.with(|e| e.get(&field).cloned()) {
                return Some(e);
            }
            let visible = state.touched.with(|t| t.contains(&field))
                || state.text(field).with(|typed| {
                    // Only the number's rule reads the prefix.
                    let prefix = (field == Field::PhoneNumber).then(|| {
                        state
                            .text(Field::PhonePrefix)
                            .with(|code| PhonePrefix::from_code(code))
                    });
                    eager(field, typed, prefix.flatten())
                });
            if visible {
                state.errors[field as usize].get()
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

/// The texts of `fields` (the others blank), read and watched.
fn read(texts: [RwSignal<String>; 10], fields: &[Field]) -> RegistrationRequest {
    let mut request = RegistrationRequest::default();
    for field in fields {
        *request.get_mut(*field) = texts[*field as usize].get();
    }
    request
}

/// One field's error, with what the register said about the SIREN typed.
fn error(
    texts: [RwSignal<String>; 10],
    register: RwSignal<Register>,
    field: Field,
) -> Option<String> {
    let typed = read(texts, field.reads());
    let error = typed.raw().error(field);
    match field {
        Field::Siren => error.or_else(|| {
            register.with(|r| {
                (r.siren() == Some(typed.siren.trim()))
                    .then(|| r.siren_error())
                    .flatten()
            })
        }),
        Field::CompanyName => error.or_else(|| {
            register
                .with(Register::name_is_typed)
                .then(|| require_company_name(Some(typed.company_name.trim())).err())
                .flatten()
        }),
        _ => error,
    }
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
