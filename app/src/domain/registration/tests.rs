use super::*;

fn valid() -> RawRegistration<'static> {
    RawRegistration {
        profile: "api",
        last_name: "Test",
        first_name: "Marie",
        email: "contact@exemple.fr",
        organisation_kind: "entreprise_association",
        siren: "356000000",
        siret: "",
        company_name: "",
        phone_prefix: "+33",
        phone_number: "01 23 45 67 89",
    }
}

#[test]
fn a_complete_form_parses() {
    let parsed = valid().parse().expect("valid form");
    assert_eq!(parsed.phone.e164(), "+33123456789");
    assert_eq!(parsed.siren.as_str(), "356000000");
    assert!(parsed.siret.is_none());
    assert!(parsed.warnings.is_empty());
}

/// A form whose every field but the company name and the prefix is wrong.
fn every_field_wrong() -> RawRegistration<'static> {
    RawRegistration {
        profile: "exploitant",
        last_name: "",
        first_name: "J3an",
        email: "contact",
        organisation_kind: "autre",
        siren: "356 000 000",
        siret: "123",
        company_name: "",
        phone_prefix: "+33",
        phone_number: "12",
    }
}

#[test]
fn every_error_is_reported_at_once() {
    let errors = every_field_wrong().parse().expect_err("invalid form");
    let fields: Vec<Field> = errors.0.keys().copied().collect();
    assert_eq!(
        fields,
        vec![
            Field::Profile,
            Field::LastName,
            Field::FirstName,
            Field::Email,
            Field::OrganisationKind,
            Field::Siren,
            Field::Siret,
            Field::PhoneNumber
        ]
    );
    assert_eq!(
        errors.get(Field::Siren),
        Some("Le code SIREN s'écrit sans espace : 356000000.")
    );
}

#[test]
fn siret_of_another_company_is_refused() {
    let raw = RawRegistration {
        siret: "88087814500015",
        ..valid()
    };
    let errors = raw.parse().expect_err("siret of another siren");
    assert_eq!(
        errors.get(Field::Siret),
        Some("Le code SIRET doit commencer par le code SIREN saisi (356000000).")
    );
    let raw = RawRegistration {
        siret: "35600000021828",
        ..valid()
    };
    assert_eq!(
        raw.parse()
            .expect("La Poste SIRET")
            .siret
            .map(|s| s.as_str().to_string()),
        Some("35600000021828".into())
    );
}

#[test]
fn warnings_for_organisation_names_and_personal_addresses() {
    let raw = RawRegistration {
        last_name: "Mairie de Nantes",
        email: "marie.durand@exemple.fr",
        first_name: "Marie",
        ..valid()
    };
    let parsed = raw.parse().expect("warnings do not block");
    assert_eq!(
        parsed.warnings,
        vec![
            (Field::LastName, Warning::OrganisationName),
            (Field::Email, Warning::PersonalEmail)
        ]
    );
    let raw = RawRegistration {
        last_name: "Durand",
        email: "contact@exemple.fr",
        ..valid()
    };
    assert!(raw.parse().expect("valid").warnings.is_empty());
}

#[test]
fn company_name_is_required_only_when_asked() {
    assert_eq!(
        parse_company_name("  La   Poste "),
        Ok(Some("La Poste".into()))
    );
    assert_eq!(parse_company_name(""), Ok(None));
    assert!(require_company_name(None).is_err());
    assert_eq!(require_company_name(Some("La Poste")), Ok("La Poste"));
}

/// The browser checks the field being typed alone: each field's error, worked out from the fields it reads and
/// nothing else, is the one the whole form's parse reports.
#[test]
fn one_fields_error_is_the_whole_forms() {
    let forms = [
        valid(),
        RawRegistration::default(),
        every_field_wrong(),
        RawRegistration {
            siren: "356000000",
            siret: "55208131766522",
            phone_number: "0696 20 12 34",
            ..valid()
        },
        RawRegistration {
            siren: "12",
            siret: "55208131766522",
            phone_prefix: "+44",
            phone_number: "0696 20 12 34",
            company_name: "a\u{7}b",
            ..valid()
        },
    ];
    for form in forms {
        let whole = form.parse().err().unwrap_or_default();
        for field in Field::ALL {
            // Only the texts the field reads: the others blank.
            let request = crate::api::RegistrationRequest {
                profile: form.profile.to_string(),
                last_name: form.last_name.to_string(),
                first_name: form.first_name.to_string(),
                email: form.email.to_string(),
                organisation_kind: form.organisation_kind.to_string(),
                siren: form.siren.to_string(),
                siret: form.siret.to_string(),
                company_name: form.company_name.to_string(),
                phone_prefix: form.phone_prefix.to_string(),
                phone_number: form.phone_number.to_string(),
            };
            let mut alone = crate::api::RegistrationRequest::default();
            for read in field.reads() {
                *alone.get_mut(*read) = request.get(*read).to_string();
            }
            assert_eq!(
                alone.raw().error(field).as_deref(),
                whole.get(field),
                "{field:?} in {form:?}"
            );
        }
    }
}
