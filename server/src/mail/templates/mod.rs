//! The emails' wording, in French: each written once as blocks (`body`), sent as a plain-text and an HTML
//! part that say the same.

mod body;

use app::api::CONTACT_EMAIL as CONTACT;
use app::api::admin::MailKind;
use app::domain::password::PasswordPolicy;

use self::body::{Block, Inline, render, strong, text};
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

/// An email of `kind` to `to`, its body written once.
fn email(kind: MailKind, to: &str, subject: String, blocks: &[Block]) -> Email {
    let (text, html) = render(&subject, blocks);
    Email {
        kind,
        to: to.to_string(),
        subject,
        text,
        html,
    }
}

/// « Pour toute question, écrivez à la Cellule Données : contact@…{then} »
fn questions(then: &str) -> Block {
    Block::Para(vec![
        text("Pour toute question, écrivez à la Cellule Données : "),
        Inline::Mail(CONTACT),
        text(then),
    ])
}

fn hello(first_name: &str, last_name: &str) -> Block {
    Block::Para(vec![text(format!("Bonjour {first_name} {last_name},"))])
}

/// The acknowledgement sent to the applicant when the request is stored, with the private link to follow it
/// (`follow_url`, its secret as the outbox's placeholder until the email leaves).
pub fn acknowledgement(r: &RequestSummary<'_>, follow_url: &str) -> Email {
    let subject = format!(
        "Géo'DAE : votre demande de compte API a été transmise (référence {})",
        r.reference
    );
    email(
        MailKind::Acknowledgement,
        r.email,
        subject,
        &[
            hello(r.first_name, r.last_name),
            Block::Para(vec![
                text(
                    "Nous avons bien reçu votre demande de création de compte avec un profil API sur Géo'DAE : ",
                ),
                strong("votre demande a été transmise aux administrateurs"),
                text("."),
            ]),
            Block::Facts(vec![
                ("Référence de la demande", vec![strong(r.reference)]),
                (
                    "Structure",
                    vec![text(format!("{} (SIREN {})", r.company_name, r.siren))],
                ),
            ]),
            Block::Para(vec![text(
                "Un administrateur va l'examiner. Vous recevrez un second mail : si votre compte est validé, il contiendra un lien pour créer votre mot de passe ; si la demande est refusée, il vous en donnera les raisons.",
            )]),
            follow_link(follow_url),
            questions(", en rappelant la référence de votre demande."),
        ],
    )
}

/// The private link to the follow page, as the applicant's emails present it.
fn follow_link(url: &str) -> Block {
    Block::Link {
        lead: "Vous pouvez suivre votre demande, la retirer ou la compléter si un administrateur vous le demande, depuis ce lien personnel (ne le transmettez pas : il donne accès à votre demande)".into(),
        label: "Suivre ma demande",
        url: url.to_string(),
    }
}

/// A new follow link, asked from « J'ai perdu le lien ».
pub fn follow_link_again(
    to: &str,
    first_name: &str,
    last_name: &str,
    reference: &str,
    url: &str,
) -> Email {
    email(
        MailKind::FollowLink,
        to,
        format!("Géo'DAE : le lien pour suivre votre demande (référence {reference})"),
        &[
            hello(first_name, last_name),
            Block::Para(vec![
                text("Voici un nouveau lien pour suivre votre demande de compte API "),
                strong(reference),
                text(". Les liens reçus auparavant restent valables."),
            ]),
            follow_link(url),
            Block::Para(vec![text(
                "Si vous n'avez pas demandé ce lien, vous pouvez ignorer ce mail : personne d'autre que vous ne l'a reçu.",
            )]),
            questions(", en rappelant la référence de votre demande."),
        ],
    )
}

/// The confirmation of a withdrawn request.
pub fn withdrawal(
    to: &str,
    first_name: &str,
    last_name: &str,
    reference: &str,
    public_url: &str,
) -> Email {
    email(
        MailKind::Withdrawal,
        to,
        format!("Géo'DAE : votre demande de compte API est retirée (référence {reference})"),
        &[
            hello(first_name, last_name),
            Block::Para(vec![
                text("Vous avez retiré votre demande de compte API "),
                strong(reference),
                text(" : elle ne sera pas examinée."),
            ]),
            Block::Link {
                lead: "Vous pouvez en déposer une nouvelle à tout moment".into(),
                label: "Demander un compte API",
                url: format!("{public_url}/inscription"),
            },
            questions("."),
        ],
    )
}

/// What the emails of a request for a complement say of it.
pub struct Complement<'a> {
    pub to: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub reference: &'a str,
    /// The reviewer's message, ready-made sentences and own words.
    pub message: &'a str,
    /// The follow page's private link (the outbox's placeholder until the email leaves).
    pub follow_url: &'a str,
    /// The day the request is closed without an answer, in words.
    pub closes_on: &'a str,
}

/// A reviewer asks the applicant to complete the request.
pub fn complement_asked(c: &Complement<'_>) -> Email {
    complement_email(
        MailKind::ComplementAsked,
        c,
        format!(
            "Géo'DAE : votre demande de compte API est à compléter (référence {})",
            c.reference
        ),
        vec![
            text("Un administrateur a examiné votre demande de compte API "),
            strong(c.reference),
            text(" et vous demande de la compléter avant de pouvoir la valider :"),
        ],
    )
}

/// The request for a complement, recalled once when no answer came.
pub fn complement_reminder(c: &Complement<'_>) -> Email {
    complement_email(
        MailKind::ComplementReminder,
        c,
        format!(
            "Géo'DAE : rappel, votre demande de compte API attend un complément (référence {})",
            c.reference
        ),
        vec![
            text("Votre demande de compte API "),
            strong(c.reference),
            text(" attend toujours le complément demandé par un administrateur :"),
        ],
    )
}

/// The emails of a request for a complement: `lead`, the reviewer's message, how to complete and until when.
fn complement_email(
    kind: MailKind,
    c: &Complement<'_>,
    subject: String,
    lead: Vec<Inline>,
) -> Email {
    email(
        kind,
        c.to,
        subject,
        &[
            hello(c.first_name, c.last_name),
            Block::Para(lead),
            Block::Quote(c.message.to_string()),
            complement_link(c),
            questions(", en rappelant la référence de votre demande."),
        ],
    )
}

/// How to complete, and until when.
fn complement_link(c: &Complement<'_>) -> Block {
    Block::Link {
        lead: format!(
            "Corrigez votre demande et répondez depuis votre lien personnel de suivi (ne le transmettez pas : il donne accès à votre demande). Sans réponse de votre part, elle sera classée sans suite le {}",
            c.closes_on
        ),
        label: "Compléter ma demande",
        url: c.follow_url.to_string(),
    }
}

/// No complement came: the request is closed without follow-up.
pub fn closed(
    to: &str,
    first_name: &str,
    last_name: &str,
    reference: &str,
    public_url: &str,
) -> Email {
    email(
        MailKind::Closed,
        to,
        format!(
            "Géo'DAE : votre demande de compte API est classée sans suite (référence {reference})"
        ),
        &[
            hello(first_name, last_name),
            Block::Para(vec![
                text("Faute du complément demandé, votre demande de compte API "),
                strong(reference),
                text(" est classée sans suite."),
            ]),
            Block::Link {
                lead: "Vous pouvez en déposer une nouvelle à tout moment".into(),
                label: "Demander un compte API",
                url: format!("{public_url}/inscription"),
            },
            questions("."),
        ],
    )
}

/// The notice sent to each administrator's address when a request arrives.
pub fn admin_notice(r: &RequestSummary<'_>, to: &str, public_url: &str) -> Email {
    let subject = format!(
        "Nouvelle demande de compte API : {} ({})",
        r.company_name, r.reference
    );
    let flags = if r.flags.is_empty() {
        Block::Para(vec![text("Aucun point d'attention.")])
    } else {
        Block::List(r.flags.iter().map(|f| vec![text(f.as_str())]).collect())
    };
    email(
        MailKind::AdminNotice,
        to,
        subject,
        &[
            Block::Para(vec![text(
                "Une nouvelle demande de compte avec un profil API attend votre décision.",
            )]),
            Block::Facts(vec![
                ("Référence", vec![strong(r.reference)]),
                (
                    "Demandeur",
                    vec![text(format!(
                        "{} {} <{}>",
                        r.first_name, r.last_name, r.email
                    ))],
                ),
                (
                    "Structure",
                    vec![text(format!("{} (SIREN {})", r.company_name, r.siren))],
                ),
                ("Type de structure", vec![text(r.organisation_kind)]),
                ("Téléphone", vec![text(r.phone)]),
            ]),
            Block::Para(vec![strong("Points d'attention :")]),
            flags,
            Block::Link {
                lead: "Examiner la demande".into(),
                label: "Ouvrir la demande",
                url: format!("{public_url}/admin/demandes/{}", r.id),
            },
        ],
    )
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
    let (min, max) = (password.policy.min, password.policy.max);
    email(
        MailKind::Validation,
        to,
        "Géo'DAE : votre compte API a été validé".to_string(),
        &[
            hello(first_name, last_name),
            Block::Para(vec![
                text(format!(
                    "Votre demande de création de compte avec un profil API (référence {reference}) "
                )),
                strong("a été validée"),
                text("."),
            ]),
            Block::Facts(vec![("Votre identifiant", vec![strong(login)])]),
            Block::Link {
                lead: format!(
                    "Pour créer votre mot de passe (de {min} à {max} caractères), ouvrez ce lien"
                ),
                label: "Créer mon mot de passe",
                url: password.url.to_string(),
            },
            Block::Para(vec![text(format!(
                "Ce lien est personnel ; il sert une seule fois et expire dans {}. S'il a expiré, la page qu'il ouvre vous permet d'en recevoir un nouveau.",
                password.valid_for
            ))]),
            questions("."),
        ],
    )
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
    let mut blocks = vec![
        hello(refusal.first_name, refusal.last_name),
        Block::Para(vec![
            text(format!(
                "Votre demande de création de compte avec un profil API (référence {}) ",
                refusal.reference
            )),
            strong("n'a pas été acceptée"),
            text(", pour les raisons suivantes :"),
        ]),
        Block::List(
            refusal
                .reasons
                .iter()
                .map(|r| vec![text(r.as_str())])
                .collect(),
        ),
    ];
    if let Some(message) = refusal.message {
        blocks.push(Block::Para(vec![strong("Message de l'administrateur :")]));
        blocks.push(Block::Quote(message.to_string()));
    }
    blocks.extend([
        Block::Link {
            lead: "Vous pouvez faire une nouvelle demande : ce lien ouvre le formulaire rempli avec les informations de votre demande, à corriger avant de le valider".into(),
            label: "Reprendre ma demande",
            url: refusal.link.to_string(),
        },
        Block::Para(vec![text(format!(
            "Votre demande et les données personnelles qu'elle contient sont conservées {} jours après ce refus, puis effacées.",
            refusal.kept_days
        ))]),
        questions(", en rappelant la référence de votre demande."),
    ]);
    email(
        MailKind::Refusal,
        to,
        "Géo'DAE : votre demande de compte API n'a pas été acceptée".to_string(),
        &blocks,
    )
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
    email(
        MailKind::PasswordLink,
        to,
        subject.to_string(),
        &[
            Block::Para(vec![text("Bonjour,")]),
            Block::Para(vec![text(intro)]),
            Block::Facts(vec![("Votre identifiant", vec![strong(login)])]),
            Block::Link {
                lead: "Pour choisir votre mot de passe, ouvrez ce lien".into(),
                label: "Choisir mon mot de passe",
                url: link.to_string(),
            },
            Block::Para(vec![text(format!(
                "Ce lien est personnel ; il sert une seule fois et expire dans {valid_for}. Si vous n'êtes pas à l'origine de cette demande, ignorez ce mail : votre mot de passe actuel reste valable."
            ))]),
        ],
    )
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
    let intro = "Une demande de création de compte avec un profil API vient d'être envoyée sur Géo'DAE avec votre adresse email. Elle n'a pas été enregistrée :";
    let mut blocks = vec![Block::Para(vec![text("Bonjour,")])];
    match why {
        AddressInUse::Account { login } => blocks.extend([
            Block::Para(vec![text(format!("{intro} un compte existe déjà pour cette adresse."))]),
            Block::Facts(vec![("Votre identifiant", vec![strong(*login)])]),
            Block::Para(vec![
                Inline::Link {
                    label: "Se connecter".into(),
                    url: format!("{public_url}/connexion"),
                },
                text(" · "),
                Inline::Link {
                    label: "Mot de passe oublié".into(),
                    url: format!("{public_url}/compte/mot-de-passe-oublie"),
                },
            ]),
        ]),
        AddressInUse::Pending { reference } => blocks.push(Block::Para(vec![
            text(format!("{intro} une demande faite avec cette adresse (référence ")),
            strong(*reference),
            text(") est déjà en cours d'examen. Vous recevrez la réponse des administrateurs par mail."),
        ])),
    }
    blocks.extend([
        Block::Para(vec![text(
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce mail : rien n'a changé.",
        )]),
        questions("."),
    ]);
    email(
        MailKind::AddressInUse,
        to,
        "Géo'DAE : une demande de compte API a été faite avec votre adresse".to_string(),
        &blocks,
    )
}

/// "Identifiant oublié": the identifiant.
pub fn login_reminder(to: &str, login: &str, public_url: &str) -> Email {
    email(
        MailKind::LoginReminder,
        to,
        "Géo'DAE : votre identifiant".to_string(),
        &[
            Block::Para(vec![text("Bonjour,")]),
            Block::Para(vec![text(
                "Vous avez demandé l'identifiant de votre compte API Géo'DAE.",
            )]),
            Block::Facts(vec![("Votre identifiant", vec![strong(login)])]),
            Block::Link {
                lead: "Se connecter".into(),
                label: "Se connecter",
                url: format!("{public_url}/connexion"),
            },
            Block::Para(vec![text(
                "Si vous n'êtes pas à l'origine de cette demande, ignorez ce mail.",
            )]),
        ],
    )
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
    let others = total.saturating_sub(entries.len());
    let mut blocks = vec![
        Block::Para(vec![
            strong(format!("{total} nouvelles demandes")),
            text(format!(
                " de compte avec un profil API sont arrivées en peu de temps. Au-delà de {allowance}, les nouvelles demandes sont regroupées dans ce récapitulatif plutôt qu'annoncées une par une."
            )),
        ]),
        Block::List(
            entries
                .iter()
                .map(|e| {
                    vec![
                        Inline::Link {
                            label: e.reference.clone(),
                            url: format!("{public_url}/admin/demandes/{}", e.id),
                        },
                        text(format!(" : {} (SIREN {})", e.company_name, e.siren)),
                    ]
                })
                .collect(),
        ),
    ];
    if others > 0 {
        blocks.push(Block::Para(vec![text(format!(
            "… et {others} autre{s} demande{s}.",
            s = plural(others)
        ))]));
    }
    blocks.extend([
        Block::Para(vec![text(
            "Un afflux inhabituel peut venir d'un envoi automatisé : vérifiez les demandes avant de les valider.",
        )]),
        Block::Link {
            lead: "Tableau de bord".into(),
            label: "Ouvrir le tableau de bord",
            url: format!("{public_url}/admin"),
        },
    ]);
    email(
        MailKind::AdminDigest,
        to,
        format!("Afflux de demandes de compte API : {total} nouvelles demandes à examiner"),
        &blocks,
    )
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
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
