//! The emails' wording, in French, each with a plain-text and an HTML part.

use app::api::CONTACT_EMAIL as CONTACT;
use app::api::admin::MailKind;
use app::domain::password::PasswordPolicy;

use super::Email;

/// What the acknowledgement and the administrators' notice say of a request.
pub struct RequestSummary<'a> {
    pub id: i64,
    pub reference: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub company_name: &'a str,
    pub siren: &'a str,
    pub organisation_kind: &'a str,
    pub phone: &'a str,
    /// Points the reviewer must look at ("SIREN non vérifié"…).
    pub flags: &'a [String],
}

const SIGNATURE_TEXT: &str = "L'équipe Géo'DAE\nMinistère de la santé et de l'accès aux soins\n\nCe mail est généré automatiquement, merci de ne pas y répondre.";

/// The acknowledgement sent to the applicant when the request is stored.
pub fn acknowledgement(r: &RequestSummary<'_>) -> Email {
    let subject = format!(
        "Géo'DAE : votre demande de compte API a été transmise (référence {})",
        r.reference
    );
    let text = format!(
        "Bonjour {first} {last},\n\n\
         Nous avons bien reçu votre demande de création de compte avec un profil API sur Géo'DAE : votre demande a été transmise aux administrateurs.\n\n\
         Référence de la demande : {reference}\n\
         Structure : {company} (SIREN {siren})\n\n\
         Un administrateur va l'examiner. Vous recevrez un second mail : si votre compte est validé, il contiendra un lien pour créer votre mot de passe ; si la demande est refusée, il vous en donnera les raisons.\n\n\
         Pour toute question, écrivez à la Cellule Données : {CONTACT}, en rappelant la référence de votre demande.\n\n\
         {SIGNATURE_TEXT}\n",
        first = r.first_name,
        last = r.last_name,
        reference = r.reference,
        company = r.company_name,
        siren = r.siren,
    );
    let html = layout(
        &subject,
        &format!(
            "<p>Bonjour {first} {last},</p>\
             <p>Nous avons bien reçu votre demande de création de compte avec un profil API sur Géo'DAE : <strong>votre demande a été transmise aux administrateurs</strong>.</p>\
             <table role=\"presentation\"><tr><td>Référence de la demande&nbsp;:</td><td><strong>{reference}</strong></td></tr>\
             <tr><td>Structure&nbsp;:</td><td>{company} (SIREN {siren})</td></tr></table>\
             <p>Un administrateur va l'examiner. Vous recevrez un second mail&nbsp;: si votre compte est validé, il contiendra un lien pour créer votre mot de passe&nbsp;; si la demande est refusée, il vous en donnera les raisons.</p>\
             <p>Pour toute question, écrivez à la Cellule Données&nbsp;: <a href=\"mailto:{CONTACT}\">{CONTACT}</a>, en rappelant la référence de votre demande.</p>",
            first = escape(r.first_name),
            last = escape(r.last_name),
            reference = escape(r.reference),
            company = escape(r.company_name),
            siren = escape(r.siren),
        ),
    );
    Email {
        kind: MailKind::Acknowledgement,
        to: r.email.to_string(),
        subject,
        text,
        html,
    }
}

/// The notice sent to each administrator's address when a request arrives.
pub fn admin_notice(r: &RequestSummary<'_>, to: &str, public_url: &str) -> Email {
    let subject = format!(
        "Nouvelle demande de compte API : {} ({})",
        r.company_name, r.reference
    );
    let link = format!("{public_url}/admin/demandes/{}", r.id);
    let flags_text = if r.flags.is_empty() {
        "Aucun point d'attention.".to_string()
    } else {
        r.flags
            .iter()
            .map(|f| format!("- {f}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let text = format!(
        "Une nouvelle demande de compte avec un profil API attend votre décision.\n\n\
         Référence : {reference}\n\
         Demandeur : {first} {last} <{email}>\n\
         Structure : {company} (SIREN {siren})\n\
         Type de structure : {kind}\n\
         Téléphone : {phone}\n\n\
         Points d'attention :\n{flags_text}\n\n\
         Examiner la demande : {link}\n",
        reference = r.reference,
        first = r.first_name,
        last = r.last_name,
        email = r.email,
        company = r.company_name,
        siren = r.siren,
        kind = r.organisation_kind,
        phone = r.phone,
    );
    let flags_html = if r.flags.is_empty() {
        "<p>Aucun point d'attention.</p>".to_string()
    } else {
        format!(
            "<ul>{}</ul>",
            r.flags
                .iter()
                .map(|f| format!("<li>{}</li>", escape(f)))
                .collect::<String>()
        )
    };
    let html = layout(
        &subject,
        &format!(
            "<p>Une nouvelle demande de compte avec un profil API attend votre décision.</p>\
             <table role=\"presentation\">\
             <tr><td>Référence&nbsp;:</td><td><strong>{reference}</strong></td></tr>\
             <tr><td>Demandeur&nbsp;:</td><td>{first} {last} &lt;{email}&gt;</td></tr>\
             <tr><td>Structure&nbsp;:</td><td>{company} (SIREN {siren})</td></tr>\
             <tr><td>Type de structure&nbsp;:</td><td>{kind}</td></tr>\
             <tr><td>Téléphone&nbsp;:</td><td>{phone}</td></tr></table>\
             <p><strong>Points d'attention&nbsp;:</strong></p>{flags_html}\
             <p><a href=\"{link}\">Examiner la demande</a></p>",
            reference = escape(r.reference),
            first = escape(r.first_name),
            last = escape(r.last_name),
            email = escape(r.email),
            company = escape(r.company_name),
            siren = escape(r.siren),
            kind = escape(r.organisation_kind),
            phone = escape(r.phone),
            link = escape(&link),
        ),
    );
    Email {
        kind: MailKind::AdminNotice,
        to: to.to_string(),
        subject,
        text,
        html,
    }
}

/// The one-time link to the password page, as an email presents it.
pub struct PasswordLink<'a> {
    pub url: &'a str,
    /// How long it works, in words: « 7 jours », « 2 heures ».
    pub valid_for: &'a str,
    /// The rules the password must follow (the length is said in the email).
    pub policy: &'a PasswordPolicy,
}

/// The validation email: the account exists, its identifiant, and the link to create the password.
pub fn validation(
    to: &str,
    first_name: &str,
    last_name: &str,
    reference: &str,
    login: &str,
    password: &PasswordLink<'_>,
) -> Email {
    let (link, valid_for) = (password.url, password.valid_for);
    let (min, max) = (password.policy.min, password.policy.max);
    let subject = "Géo'DAE : votre compte API a été validé".to_string();
    let text = format!(
        "Bonjour {first_name} {last_name},\n\n\
         Votre demande de création de compte avec un profil API (référence {reference}) a été validée.\n\n\
         Votre identifiant : {login}\n\n\
         Pour créer votre mot de passe (de {min} à {max} caractères), ouvrez ce lien :\n{link}\n\n\
         Ce lien est personnel ; il sert une seule fois et expire dans {valid_for}. S'il a expiré, la page qu'il ouvre vous permet d'en recevoir un nouveau.\n\n\
         Pour toute question, écrivez à la Cellule Données : {CONTACT}.\n\n\
         {SIGNATURE_TEXT}\n"
    );
    let html = layout(
        &subject,
        &format!(
            "<p>Bonjour {first} {last},</p>\
             <p>Votre demande de création de compte avec un profil API (référence {reference}) <strong>a été validée</strong>.</p>\
             <p>Votre identifiant&nbsp;: <strong>{login}</strong></p>\
             <p><a href=\"{link}\">Créer mon mot de passe</a> (de {min} à {max} caractères)</p>\
             <p>Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur&nbsp;:<br>{link}</p>\
             <p>Ce lien est personnel&nbsp;; il sert une seule fois et expire dans {valid_for}. S'il a expiré, la page qu'il ouvre vous permet d'en recevoir un nouveau.</p>\
             <p>Pour toute question, écrivez à la Cellule Données&nbsp;: <a href=\"mailto:{CONTACT}\">{CONTACT}</a>.</p>",
            first = escape(first_name),
            last = escape(last_name),
            reference = escape(reference),
            login = escape(login),
            link = escape(link),
        ),
    );
    Email {
        kind: MailKind::Validation,
        to: to.to_string(),
        subject,
        text,
        html,
    }
}

/// What a refusal email says.
pub struct Refusal<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub reference: &'a str,
    /// The texts of the reasons chosen.
    pub reasons: &'a [String],
    /// The administrator's own words.
    pub message: Option<&'a str>,
    /// Opens the form filled with the request.
    pub link: &'a str,
    /// Days the request is kept after the refusal.
    pub kept_days: u32,
}

/// The refusal email: the reasons, the administrator's words, a link to apply again with the form filled, and
/// how long the request is kept.
pub fn refusal(to: &str, refusal: &Refusal<'_>) -> Email {
    let Refusal {
        first_name,
        last_name,
        reference,
        reasons,
        message,
        link,
        kept_days,
    } = *refusal;
    let subject = "Géo'DAE : votre demande de compte API n'a pas été acceptée".to_string();
    let reasons_text = reasons
        .iter()
        .map(|r| format!("- {r}"))
        .collect::<Vec<_>>()
        .join("\n");
    let message_text = message
        .map(|m| format!("Message de l'administrateur :\n{m}\n\n"))
        .unwrap_or_default();
    let text = format!(
        "Bonjour {first_name} {last_name},\n\n\
         Votre demande de création de compte avec un profil API (référence {reference}) n'a pas été acceptée, pour les raisons suivantes :\n\n\
         {reasons_text}\n\n\
         {message_text}\
         Vous pouvez faire une nouvelle demande : ce lien ouvre le formulaire rempli avec les informations de votre demande, à corriger avant de le valider :\n{link}\n\n\
         Votre demande et les données personnelles qu'elle contient sont conservées {kept_days} jours après ce refus, puis effacées.\n\n\
         Pour toute question, écrivez à la Cellule Données : {CONTACT}, en rappelant la référence de votre demande.\n\n\
         {SIGNATURE_TEXT}\n"
    );
    let message_html = message
        .map(|m| {
            format!(
                "<p><strong>Message de l'administrateur&nbsp;:</strong></p><p>{}</p>",
                escape(m).replace('\n', "<br>")
            )
        })
        .unwrap_or_default();
    let html = layout(
        &subject,
        &format!(
            "<p>Bonjour {first} {last},</p>\
             <p>Votre demande de création de compte avec un profil API (référence {reference}) <strong>n'a pas été acceptée</strong>, pour les raisons suivantes&nbsp;:</p>\
             <ul>{reasons_html}</ul>{message_html}\
             <p>Vous pouvez faire une nouvelle demande&nbsp;: <a href=\"{link}\">reprendre ma demande</a> ouvre le formulaire rempli avec les informations de votre demande, à corriger avant de le valider.</p>\
             <p>Votre demande et les données personnelles qu'elle contient sont conservées {kept_days}&nbsp;jours après ce refus, puis effacées.</p>\
             <p>Pour toute question, écrivez à la Cellule Données&nbsp;: <a href=\"mailto:{CONTACT}\">{CONTACT}</a>, en rappelant la référence de votre demande.</p>",
            first = escape(first_name),
            last = escape(last_name),
            reference = escape(reference),
            reasons_html = reasons
                .iter()
                .map(|r| format!("<li>{}</li>", escape(r)))
                .collect::<String>(),
            link = escape(link),
        ),
    );
    Email {
        kind: MailKind::Refusal,
        to: to.to_string(),
        subject,
        text,
        html,
    }
}

/// Why a password link is sent outside the validation email.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkReason {
    /// The previous link expired or was used.
    Renewal,
    /// "Mot de passe oublié".
    Forgotten,
    /// Sent again by an administrator.
    Administrator,
}

/// A new link to the password page.
pub fn password_link(to: &str, login: &str, link: &str, valid_for: &str, why: LinkReason) -> Email {
    let (subject, intro) = match why {
        LinkReason::Renewal => (
            "Géo'DAE : votre nouveau lien pour créer votre mot de passe",
            "Vous avez demandé un nouveau lien pour créer le mot de passe de votre compte API Géo'DAE.",
        ),
        LinkReason::Forgotten => (
            "Géo'DAE : réinitialisation de votre mot de passe",
            "Vous avez indiqué avoir oublié le mot de passe de votre compte API Géo'DAE.",
        ),
        LinkReason::Administrator => (
            "Géo'DAE : lien pour créer votre mot de passe",
            "Un administrateur de Géo'DAE vous envoie un lien pour créer le mot de passe de votre compte API.",
        ),
    };
    let text = format!(
        "Bonjour,\n\n{intro}\n\n\
         Votre identifiant : {login}\n\n\
         Pour choisir votre mot de passe, ouvrez ce lien :\n{link}\n\n\
         Ce lien est personnel ; il sert une seule fois et expire dans {valid_for}. Si vous n'êtes pas à l'origine de cette demande, ignorez ce mail : votre mot de passe actuel reste valable.\n\n\
         {SIGNATURE_TEXT}\n"
    );
    let html = layout(
        subject,
        &format!(
            "<p>Bonjour,</p><p>{intro}</p>\
             <p>Votre identifiant&nbsp;: <strong>{login}</strong></p>\
             <p><a href=\"{link}\">Choisir mon mot de passe</a></p>\
             <p>Si le lien ne fonctionne pas, copiez cette adresse dans votre navigateur&nbsp;:<br>{link}</p>\
             <p>Ce lien est personnel&nbsp;; il sert une seule fois et expire dans {valid_for}. Si vous n'êtes pas à l'origine de cette demande, ignorez ce mail&nbsp;: votre mot de passe actuel reste valable.</p>",
            intro = escape(intro),
            login = escape(login),
            link = escape(link),
        ),
    );
    Email {
        kind: MailKind::PasswordLink,
        to: to.to_string(),
        subject: subject.to_string(),
        text,
        html,
    }
}

/// Why a request sent with an address was not stored, as its owner is told.
pub enum AddressInUse<'a> {
    /// An account has this address: its identifiant.
    Account { login: &'a str },
    /// A request with this address is under review.
    Pending { reference: &'a str },
}

/// To the owner of an address that already has an account or a request under review, when a request is sent
/// with it: the form's answer says nothing of it (it would tell anyone which addresses are registered).
pub fn address_in_use(to: &str, why: &AddressInUse<'_>, public_url: &str) -> Email {
    let subject = "Géo'DAE : une demande de compte API a été faite avec votre adresse".to_string();
    let intro = "Une demande de création de compte avec un profil API vient d'être envoyée sur Géo'DAE avec votre adresse email. Elle n'a pas été enregistrée :";
    let outro =
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce mail : rien n'a changé.";
    let (text_body, html_body) = match why {
        AddressInUse::Account { login } => {
            let sign_in = format!("{public_url}/connexion");
            let forgotten = format!("{public_url}/compte/mot-de-passe-oublie");
            (
                format!(
                    "un compte existe déjà pour cette adresse. Votre identifiant : {login}\n\n\
                     Se connecter : {sign_in}\n\
                     Mot de passe oublié : {forgotten}"
                ),
                format!(
                    "un compte existe déjà pour cette adresse.</p>\
                     <p>Votre identifiant&nbsp;: <strong>{login}</strong></p>\
                     <p><a href=\"{sign_in}\">Se connecter</a> · <a href=\"{forgotten}\">Mot de passe oublié</a>",
                    login = escape(login),
                    sign_in = escape(&sign_in),
                    forgotten = escape(&forgotten),
                ),
            )
        }
        AddressInUse::Pending { reference } => (
            format!(
                "une demande faite avec cette adresse (référence {reference}) est déjà en cours d'examen. Vous recevrez la réponse des administrateurs par mail."
            ),
            format!(
                "une demande faite avec cette adresse (référence <strong>{reference}</strong>) est déjà en cours d'examen. Vous recevrez la réponse des administrateurs par mail.",
                reference = escape(reference),
            ),
        ),
    };
    let text = format!(
        "Bonjour,\n\n{intro} {text_body}\n\n{outro}\n\n\
         Pour toute question, écrivez à la Cellule Données : {CONTACT}.\n\n\
         {SIGNATURE_TEXT}\n"
    );
    let html = layout(
        &subject,
        &format!(
            "<p>Bonjour,</p><p>{intro} {html_body}</p><p>{outro}</p>\
             <p>Pour toute question, écrivez à la Cellule Données&nbsp;: <a href=\"mailto:{CONTACT}\">{CONTACT}</a>.</p>",
            intro = escape(intro),
            outro = escape(outro),
        ),
    );
    Email {
        kind: MailKind::AddressInUse,
        to: to.to_string(),
        subject,
        text,
        html,
    }
}

/// "Identifiant oublié": the identifiant.
pub fn login_reminder(to: &str, login: &str, public_url: &str) -> Email {
    let subject = "Géo'DAE : votre identifiant".to_string();
    let sign_in = format!("{public_url}/connexion");
    let text = format!(
        "Bonjour,\n\nVous avez demandé l'identifiant de votre compte API Géo'DAE.\n\n\
         Votre identifiant : {login}\n\n\
         Se connecter : {sign_in}\n\n\
         Si vous n'êtes pas à l'origine de cette demande, ignorez ce mail.\n\n\
         {SIGNATURE_TEXT}\n"
    );
    let html = layout(
        &subject,
        &format!(
            "<p>Bonjour,</p><p>Vous avez demandé l'identifiant de votre compte API Géo'DAE.</p>\
             <p>Votre identifiant&nbsp;: <strong>{login}</strong></p>\
             <p><a href=\"{sign_in}\">Se connecter</a></p>\
             <p>Si vous n'êtes pas à l'origine de cette demande, ignorez ce mail.</p>",
            login = escape(login),
            sign_in = escape(&sign_in),
        ),
    );
    Email {
        kind: MailKind::LoginReminder,
        to: to.to_string(),
        subject,
        text,
        html,
    }
}

/// A request of a digest: its reference, the company and the page to review it.
pub struct DigestEntry {
    pub id: i64,
    pub reference: String,
    pub company_name: String,
    pub siren: String,
}

/// How many requests a digest lists by name; the others are counted.
pub const DIGEST_LISTED: usize = 50;

/// The administrators' digest of the requests that arrived in a burst, past the notices allowed
/// (`allowance`: « 20 avis par heure »): `total` requests, the first [`DIGEST_LISTED`] of them in `entries`.
pub fn admin_digest(
    entries: &[DigestEntry],
    total: usize,
    allowance: &str,
    to: &str,
    public_url: &str,
) -> Email {
    let subject =
        format!("Afflux de demandes de compte API : {total} nouvelles demandes à examiner");
    let dashboard = format!("{public_url}/admin");
    let others = total.saturating_sub(entries.len());
    let others_text = if others > 0 {
        format!(
            "\n… et {others} autre{} demande{}.\n",
            plural(others),
            plural(others)
        )
    } else {
        String::new()
    };
    let text = format!(
        "{total} nouvelles demandes de compte avec un profil API sont arrivées en peu de temps. Au-delà de {allowance}, les nouvelles demandes sont regroupées dans ce récapitulatif plutôt qu'annoncées une par une.\n\n\
         {list}\n{others_text}\n\
         Un afflux inhabituel peut venir d'un envoi automatisé : vérifiez les demandes avant de les valider.\n\n\
         Tableau de bord : {dashboard}\n",
        list = entries
            .iter()
            .map(|e| format!(
                "- {} : {} (SIREN {}) : {public_url}/admin/demandes/{}",
                e.reference, e.company_name, e.siren, e.id
            ))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let others_html = if others > 0 {
        format!(
            "<p>… et {others} autre{} demande{}.</p>",
            plural(others),
            plural(others)
        )
    } else {
        String::new()
    };
    let html = layout(
        &subject,
        &format!(
            "<p><strong>{total} nouvelles demandes</strong> de compte avec un profil API sont arrivées en peu de temps. Au-delà de {allowance}, les nouvelles demandes sont regroupées dans ce récapitulatif plutôt qu'annoncées une par une.</p>\
             <ul>{list}</ul>{others_html}\
             <p>Un afflux inhabituel peut venir d'un envoi automatisé&nbsp;: vérifiez les demandes avant de les valider.</p>\
             <p><a href=\"{dashboard}\">Ouvrir le tableau de bord</a></p>",
            allowance = escape(allowance),
            list = entries
                .iter()
                .map(|e| format!(
                    "<li><a href=\"{public_url}/admin/demandes/{}\">{}</a>&nbsp;: {} (SIREN {})</li>",
                    e.id,
                    escape(&e.reference),
                    escape(&e.company_name),
                    escape(&e.siren)
                ))
                .collect::<String>(),
        ),
    );
    Email {
        kind: MailKind::AdminDigest,
        to: to.to_string(),
        subject,
        text,
        html,
    }
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family: Marianne, Arial, sans-serif; color: #161616; line-height: 1.5;\">\
         <p style=\"font-weight: bold;\">Géo'DAE &ndash; Déclarer, Localiser, Sauver</p>{body}\
         <p>L'équipe Géo'DAE<br>Ministère de la santé et de l'accès aux soins</p>\
         <p style=\"color: #666; font-size: 0.875em;\">Ce mail est généré automatiquement, merci de ne pas y répondre.</p>\
         </body></html>",
        title = escape(title),
    )
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
