use super::*;

fn summary(flags: &[String]) -> RequestSummary<'_> {
    RequestSummary {
        id: 42,
        reference: "DAE-7K3F9Q2M",
        first_name: "Marie",
        last_name: "Test",
        email: "contact@exemple.fr",
        company_name: "LES RESTAURANTS DU COEUR",
        siren: "400461356",
        organisation_kind: "Je suis une entreprise ou association",
        phone: "+33123456789",
        flags,
    }
}

#[test]
fn acknowledgement_email() {
    let email = acknowledgement(
        &summary(&[]),
        "https://comptes.exemple.fr/demande/suivi#cle=[jeton-non-conservé]",
    );
    assert_eq!(email.to, "contact@exemple.fr");
    insta::assert_snapshot!("acknowledgement_subject", email.subject);
    insta::assert_snapshot!("acknowledgement_text", email.text);
    insta::assert_snapshot!("acknowledgement_html", email.html);
}

#[test]
fn admin_notice_email() {
    let flags = vec!["SIREN non vérifié : le répertoire SIRENE ne répondait pas.".to_string()];
    let email = admin_notice(
        &summary(&flags),
        "admin@exemple.fr",
        "https://comptes.exemple.fr",
    );
    insta::assert_snapshot!("admin_notice_text", email.text);
    insta::assert_snapshot!("admin_notice_html", email.html);
}

#[test]
fn validation_email() {
    let email = validation(
        "contact@exemple.fr",
        "Marie",
        "Test",
        "DAE-7K3F9Q2M",
        "mtest",
        &PasswordLink {
            url: "https://comptes.exemple.fr/compte/mot-de-passe#jeton=abc",
            valid_for: "7 jours",
            policy: &PasswordPolicy::default(),
        },
    );
    assert!(
        email.text.contains("(de 8 à 12 caractères)"),
        "{}",
        email.text
    );
    let longer = PasswordPolicy {
        min: 10,
        max: 64,
        ..PasswordPolicy::default()
    };
    let configured = validation(
        "contact@exemple.fr",
        "Marie",
        "Test",
        "DAE-7K3F9Q2M",
        "mtest",
        &PasswordLink {
            url: "https://comptes.exemple.fr/compte/mot-de-passe#jeton=abc",
            valid_for: "7 jours",
            policy: &longer,
        },
    );
    assert!(configured.text.contains("(de 10 à 64 caractères)"));
    assert!(configured.html.contains("(de 10 à 64 caractères)"));
    insta::assert_snapshot!("validation_text", email.text);
    insta::assert_snapshot!("validation_html", email.html);
}

#[test]
fn refusal_email() {
    let email = refusal(
        "contact@exemple.fr",
        &Refusal {
            first_name: "Marie",
            last_name: "Test",
            reference: "DAE-7K3F9Q2M",
            reasons: &[
                "Merci d'utiliser une adresse email professionnelle.".to_string(),
                "Les champs Nom et Prénom doivent contenir le nom d'une personne.".to_string(),
            ],
            message: Some("Bonjour,\n<b>à bientôt</b>"),
            link: "https://comptes.exemple.fr/inscription#reprise=xyz",
            kept_days: 365,
        },
    );
    insta::assert_snapshot!("refusal_text", email.text);
    insta::assert_snapshot!("refusal_html", email.html);
    assert!(email.html.contains("&lt;b&gt;à bientôt&lt;/b&gt;"));
}

#[test]
fn html_parts_escape_what_applicants_type() {
    let mut s = summary(&[]);
    s.company_name = "<script>alert(1)</script> & Cie";
    let email = acknowledgement(&s, "https://comptes.exemple.fr/demande/suivi#cle=x");
    assert!(
        email
            .html
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie")
    );
    assert!(!email.html.contains("<script>"));
}

#[test]
fn address_in_use_emails() {
    let account = address_in_use(
        "contact@exemple.fr",
        &AddressInUse::Account { login: "mtest" },
        "https://comptes.exemple.fr",
    );
    assert_eq!(account.kind, MailKind::AddressInUse);
    insta::assert_snapshot!("address_in_use_account_text", account.text);
    insta::assert_snapshot!("address_in_use_account_html", account.html);
    let pending = address_in_use(
        "contact@exemple.fr",
        &AddressInUse::Pending {
            reference: "DAE-7K3F9Q2M",
        },
        "https://comptes.exemple.fr",
    );
    insta::assert_snapshot!("address_in_use_pending_text", pending.text);
}

#[test]
fn follow_link_and_withdrawal_emails() {
    let again = follow_link_again(
        "contact@exemple.fr",
        "Marie",
        "Test",
        "DAE-7K3F9Q2M",
        "https://comptes.exemple.fr/demande/suivi#cle=[jeton-non-conservé]",
    );
    insta::assert_snapshot!("follow_link_text", again.text);
    let withdrawn = withdrawal(
        "contact@exemple.fr",
        "Marie",
        "Test",
        "DAE-7K3F9Q2M",
        "https://comptes.exemple.fr",
    );
    insta::assert_snapshot!("withdrawal_text", withdrawn.text);
    insta::assert_snapshot!("withdrawal_html", withdrawn.html);
}

#[test]
fn complement_emails() {
    let complement = Complement {
        to: "contact@exemple.fr",
        first_name: "Marie",
        last_name: "Test",
        reference: "DAE-7K3F9Q2M",
        message: "Indiquez un numéro de téléphone pérenne.\n\nLe standard de la mairie <convient>.",
        follow_url: "https://comptes.exemple.fr/demande/suivi#cle=[jeton-non-conservé]",
        closes_on: "03/01/2027",
    };
    let asked = complement_asked(&complement);
    assert_eq!(asked.kind, MailKind::ComplementAsked);
    insta::assert_snapshot!("complement_asked_text", asked.text);
    insta::assert_snapshot!("complement_asked_html", asked.html);
    let reminder = complement_reminder(&complement);
    assert!(reminder.subject.contains("rappel"), "{}", reminder.subject);
    assert!(reminder.text.contains("le 03/01/2027"), "{}", reminder.text);
    assert!(
        reminder.html.contains("&lt;convient&gt;"),
        "{}",
        reminder.html
    );
    let closing = closed(
        "contact@exemple.fr",
        "Marie",
        "Test",
        "DAE-7K3F9Q2M",
        "https://comptes.exemple.fr",
    );
    insta::assert_snapshot!("closed_text", closing.text);
}
