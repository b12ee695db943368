//! An email's body written once, as blocks, and rendered twice: the plain-text part and the HTML part say the
//! same sentences. The HTML escapes every text and puts the non-breaking space French typography wants before
//! « : » and « ; ».

use super::escape;

/// A piece of a paragraph.
pub enum Inline {
    Text(String),
    /// Stressed in HTML, plain in the text.
    Strong(String),
    /// An address to write to.
    Mail(&'static str),
    /// A link: its label then its address in the text, the label linked in HTML.
    Link {
        label: String,
        url: String,
    },
}

/// Plain text.
pub fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

/// Stressed text.
pub fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

/// A block of the body.
pub enum Block {
    Para(Vec<Inline>),
    /// `label : value` lines (a table in HTML).
    Facts(Vec<(&'static str, Vec<Inline>)>),
    /// A bulleted list.
    List(Vec<Vec<Inline>>),
    /// A link to open, led by a sentence: its address on a line of its own in the text (mail readers make it
    /// clickable), a button-like link and the address to copy in HTML.
    Link {
        lead: String,
        label: &'static str,
        url: String,
    },
    /// Someone's own words, their line breaks kept.
    Quote(String),
}

/// The signature of every email.
const SIGNATURE: [&str; 2] = [
    "L'équipe Géo'DAE",
    "Ministère de la santé et de l'accès aux soins",
];
const AUTOMATIC: &str = "Ce mail est généré automatiquement, merci de ne pas y répondre.";

/// Renders `blocks` as the plain-text part and the HTML part (titled `title`), both signed.
pub fn render(title: &str, blocks: &[Block]) -> (String, String) {
    let mut text = String::new();
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: Marianne, Arial, sans-serif; color: #161616; line-height: 1.5;\">\
         <p style=\"font-weight: bold;\">Géo'DAE &ndash; Déclarer, Localiser, Sauver</p>",
        escape(title)
    );
    for block in blocks {
        match block {
            Block::Para(inlines) => {
                text.push_str(&plain(inlines));
                html.push_str(&format!("<p>{}</p>", marked(inlines)));
            }
            Block::Facts(facts) => {
                let lines: Vec<String> = facts
                    .iter()
                    .map(|(label, value)| format!("{label} : {}", plain(value)))
                    .collect();
                text.push_str(&lines.join("\n"));
                html.push_str("<table role=\"presentation\">");
                for (label, value) in facts {
                    html.push_str(&format!(
                        "<tr><td>{}&nbsp;:</td><td>{}</td></tr>",
                        typeset(&escape(label)),
                        marked(value)
                    ));
                }
                html.push_str("</table>");
            }
            Block::List(items) => {
                let lines: Vec<String> = items.iter().map(|i| format!("- {}", plain(i))).collect();
                text.push_str(&lines.join("\n"));
                html.push_str("<ul>");
                for item in items {
                    html.push_str(&format!("<li>{}</li>", marked(item)));
                }
                html.push_str("</ul>");
            }
            Block::Link { lead, label, url } => {
                text.push_str(&format!("{lead} :\n{url}"));
                let url = escape(url);
                html.push_str(&format!(
                    "<p>{}&nbsp;: <a href=\"{url}\">{}</a></p>\
                     <p>Si le lien ne fonctionne pas, copiez cette adresse dans votre navigateur&nbsp;:<br>{url}</p>",
                    typeset(&escape(lead)),
                    escape(label)
                ));
            }
            Block::Quote(words) => {
                text.push_str(words);
                html.push_str(&format!("<p>{}</p>", escape(words).replace('\n', "<br>")));
            }
        }
        text.push_str("\n\n");
    }
    text.push_str(&format!("{}\n\n{AUTOMATIC}\n", SIGNATURE.join("\n")));
    html.push_str(&format!(
        "<p>{}</p><p style=\"color: #666; font-size: 0.875em;\">{}</p></body></html>",
        SIGNATURE.map(escape).join("<br>"),
        escape(AUTOMATIC)
    ));
    (text, html)
}

fn plain(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|inline| match inline {
            Inline::Text(s) | Inline::Strong(s) => s.clone(),
            Inline::Mail(address) => (*address).to_string(),
            Inline::Link { label, url } => format!("{label} : {url}"),
        })
        .collect()
}

fn marked(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|inline| match inline {
            Inline::Text(s) => typeset(&escape(s)),
            Inline::Strong(s) => format!("<strong>{}</strong>", typeset(&escape(s))),
            Inline::Mail(address) => {
                format!("<a href=\"mailto:{0}\">{0}</a>", escape(address))
            }
            Inline::Link { label, url } => {
                format!(
                    "<a href=\"{}\">{}</a>",
                    escape(url),
                    typeset(&escape(label))
                )
            }
        })
        .collect()
}

/// French typography: a non-breaking space before « : » and « ; ».
fn typeset(html: &str) -> String {
    html.replace(" :", "&nbsp;:").replace(" ;", "&nbsp;;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_say_the_same_sentences() {
        let (text, html) = render(
            "Titre",
            &[
                Block::Para(vec![text("Bonjour Marie,")]),
                Block::Facts(vec![("Votre identifiant", vec![strong("mtest")])]),
                Block::Link {
                    lead: "Pour choisir votre mot de passe, ouvrez ce lien".into(),
                    label: "Choisir mon mot de passe",
                    url: "https://x/a#jeton=b".into(),
                },
                Block::Quote("un <b>mot</b>\nà la ligne".into()),
            ],
        );
        assert!(text.starts_with(
            "Bonjour Marie,\n\nVotre identifiant : mtest\n\nPour choisir votre mot de passe, ouvrez ce lien :\nhttps://x/a#jeton=b\n\n"
        ), "{text}");
        assert!(text.ends_with("merci de ne pas y répondre.\n"), "{text}");
        assert!(
            html.contains("<td>Votre identifiant&nbsp;:</td><td><strong>mtest</strong></td>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"https://x/a#jeton=b\">Choisir mon mot de passe</a>"),
            "{html}"
        );
        assert!(
            html.contains("un &lt;b&gt;mot&lt;/b&gt;<br>à la ligne"),
            "{html}"
        );
    }
}
