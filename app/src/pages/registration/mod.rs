//! `/inscription`: the account request form of the guide, with live validation and SIREN autofill.

mod company_search;
pub(crate) mod form;
mod register;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use self::company_search::CompanySearchPanel;
use self::form::FormState;
use self::register::Register;
use crate::api::client::{self, CallError};
use crate::api::{CompanyMatch, ErrorBody, RegistrationRequest};
use crate::components::field::{SelectField, TextField};
use crate::components::layout::CONTACT_EMAIL;
use crate::components::modal::Notification;
use crate::components::phone_field::PhoneField;
use crate::components::{focus, focus_when_shown, hydrated, link_secret};
use crate::domain::{Field, OrganisationKind, Profile, Siren};

#[component]
pub fn RegistrationFormPage() -> impl IntoView {
    view! {
        <Title text="Création d'un compte" />
        <RegistrationForm />
    }
}

/// The form: the page's island, the only part of it that runs in the browser.
#[island]
fn RegistrationForm() -> impl IntoView {
    let state = FormState::new();
    // The address the confirmation email goes to, once a request is sent.
    let (sent_to, set_sent_to) = signal(None::<String>);
    let (alert, set_alert) = signal(None::<String>);
    // The fields a refused submit found wrong, each with its message, listed at the head of the form.
    let summary = RwSignal::new(Vec::<(Field, String)>::new());
    // Lists the errors of a refused submit and leads the focus there; none hides the summary.
    let show_errors = move |errors: &std::collections::BTreeMap<Field, String>| {
        set_alert.set(None);
        summary.set(errors.iter().map(|(f, m)| (*f, m.clone())).collect());
        if !errors.is_empty() {
            focus_when_shown("error-summary");
        }
    };
    let (reapply_notice, set_reapply_notice) = signal(None::<Result<String, String>>);

    // A refusal email's link (`#reprise=…`) fills the form with the refused request, to correct and send again.
    Effect::new(move |_| {
        let Some(link) = link_secret("reprise") else {
            return;
        };
        spawn_local(async move {
            match reapplied(link).await {
                Ok(previous) => {
                    state.load(&previous);
                    state.touched.set(Field::ALL.into_iter().collect());
                    set_reapply_notice.set(Some(Ok(
                        "Le formulaire reprend les informations de votre demande précédente : corrigez-les selon les motifs du refus, puis validez.".to_string(),
                    )));
                }
                Err(message) => set_reapply_notice.set(Some(Err(message))),
            }
        });
    });

    let ready = hydrated();
    let submit = Action::new_local(|request: &RegistrationRequest| {
        let request = request.clone();
        async move { client::submit_registration(&request).await }
    });

    Effect::new(move |_| {
        let Some(result) = submit.value().get() else {
            return;
        };
        match result {
            Ok(received) => {
                set_alert.set(None);
                set_sent_to.set(Some(received.email));
            }
            Err(CallError::Api(_, body)) if !body.fields.is_empty() => {
                let errors = field_errors(&body);
                show_errors(&errors);
                state.server_errors.set(errors);
            }
            Err(e) => set_alert.set(Some(e.message())),
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if submit.pending().get_untracked() {
            return;
        }
        state.touched.set(Field::ALL.into_iter().collect());
        let errors = state.errors();
        show_errors(&errors.0);
        if !errors.0.is_empty() {
            return;
        }
        submit.dispatch_local(state.request());
    };

    view! {
        <div class="fr-container fr-my-6w">
            <div class="fr-grid-row fr-grid-row--center">
                <div class="fr-col-12 fr-col-lg-10">
                    <h1>"Création d'un compte"</h1>
                    <p class="fr-hint-text">"Tous les champs sont obligatoires et sont indiqués par un astérisque *, sauf le code SIRET."</p>
                    <div aria-live="polite">
                        {move || reapply_notice.get().map(|notice| match notice {
                            Ok(text) => view! { <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w" id="reprise"><p>{text}</p></div> }.into_any(),
                            Err(text) => view! { <div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-3w" id="reprise"><p>{text}</p></div> }.into_any(),
                        })}
                    </div>
                    <ErrorSummary errors=summary />
                    <form method="post" novalidate=true on:submit=on_submit aria-describedby="form-alert">
                        <RegistrationFields state />
                        <div id="form-alert" aria-live="assertive">
                            {move || alert.get().map(|a| view! {
                                <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w"><p>{a}</p></div>
                            })}
                        </div>
                        <button class="fr-btn" type="submit" disabled=move || !ready.get() || submit.pending().get()>
                            {move || if submit.pending().get() { "Envoi en cours…" } else { "Valider" }}
                        </button>
                    </form>
                    <p class="fr-text--sm fr-mt-3w" id="data-notice">
                        "Les informations saisies sont traitées par le ministère chargé de la santé pour instruire votre "
                        "demande de compte API puis, si elle est validée, gérer votre compte. Elles ne sont transmises qu'aux "
                        "administrateurs de Géo'DAE. Pour connaître leur durée de conservation et exercer vos droits, "
                        "consultez la page " <a href="/donnees-personnelles">"Données personnelles"</a> "."
                    </p>
                </div>
            </div>
        </div>
        // The confirmation is a part of its own, fetched when a request is first sent.
        {move || sent_to.get().map(|email| {
            let on_close = Callback::new(move |()| {
                set_sent_to.set(None);
                state.reset();
                focus("last_name");
            });
            Suspend::new(async move { sent_dialog(email, on_close).await })
        })}
    }
}

/// The form's fields, with their live validation, the phone prefixes' rules and the SIREN's lookup and
/// autofill: the registration form's, and the follow page's when the applicant completes a request.
#[component]
pub(crate) fn RegistrationFields(state: FormState) -> impl IntoView {
    // Look the SIREN up as soon as it is complete and valid; ignore answers for a SIREN no longer typed.
    Effect::new(move |_| {
        let typed = state.value(Field::Siren).with(|s| s.trim().to_string());
        let Ok(siren) = Siren::parse(&typed) else {
            if state.register.with_untracked(|r| *r != Register::Idle) {
                state.register.set(Register::Idle);
            }
            return;
        };
        let siren = siren.to_string();
        if state
            .register
            .with_untracked(|r| r.siren() == Some(siren.as_str()))
        {
            return;
        }
        state.register.set(Register::Loading(siren.clone()));
        spawn_local(async move {
            let answer = client::lookup_siren(&siren).await;
            if state
                .value(Field::Siren)
                .with_untracked(|s| s.trim() == siren)
            {
                state.register.set(Register::from_answer(siren, answer));
            }
        });
    });

    // A memo: the field is written only when its text changes, not at each keystroke elsewhere in the form.
    let company_value = Memo::new(move |_| {
        state
            .register
            .with(|r| r.company_name().map(str::to_string))
            .unwrap_or_else(|| state.value(Field::CompanyName).get())
    });
    let company_info =
        Signal::derive(move || state.register.with(|r| r.info().map(str::to_string)));
    let company_warning =
        Signal::derive(move || state.register.with(|r| r.warning().map(str::to_string)));
    let company_readonly = Signal::derive(move || !state.register.with(Register::name_is_typed));
    let siren_info = state.notice(Field::Siren);
    // The memos are made once here: made in the closure, two would be made, watched and dropped at each keystroke.
    let phone_error = {
        let prefix = state.shown_error(Field::PhonePrefix);
        let number = state.shown_error(Field::PhoneNumber);
        Memo::new(move |_| prefix.get().or_else(|| number.get()))
    };

    view! {
        <fieldset class="fr-fieldset">
            <div class="fr-fieldset__element">
                <SelectField
                    id="profile"
                    label="Profil"
                    required=true
                    options=Profile::ALL.iter().map(|p| (p.code(), p.label())).collect()
                    value=state.value(Field::Profile)
                    on_change=state.setter(Field::Profile)
                    on_blur=state.leave(Field::Profile)
                    error=state.shown_error(Field::Profile)
                />
            </div>
            <div class="fr-fieldset__element fr-fieldset__element--inline-grow">
                <TextField
                    id="last_name"
                    label="Nom"
                    hint="Le nom du propriétaire du compte, et non celui de votre société ou établissement."
                    required=true
                    autocomplete="family-name"
                    maxlength=80
                    value=state.value(Field::LastName)
                    on_input=state.setter(Field::LastName)
                    on_blur=state.leave(Field::LastName)
                    error=state.shown_error(Field::LastName)
                    warning=state.shown_warning(Field::LastName)
                />
            </div>
            <div class="fr-fieldset__element fr-fieldset__element--inline-grow">
                <TextField
                    id="first_name"
                    label="Prénom"
                    hint="Le prénom du propriétaire du compte."
                    required=true
                    autocomplete="given-name"
                    maxlength=80
                    value=state.value(Field::FirstName)
                    on_input=state.setter(Field::FirstName)
                    on_blur=state.leave(Field::FirstName)
                    error=state.shown_error(Field::FirstName)
                    warning=state.shown_warning(Field::FirstName)
                />
            </div>
            <div class="fr-fieldset__element">
                <TextField
                    id="email"
                    label="Email"
                    hint="Nous recommandons une adresse générique (par exemple contact@votre-structure.fr), toujours opérationnelle quelle que soit la personne ayant créé le compte."
                    required=true
                    input_type="email"
                    autocomplete="email"
                    maxlength=254
                    value=state.value(Field::Email)
                    on_input=state.setter(Field::Email)
                    on_blur=state.leave(Field::Email)
                    error=state.shown_error(Field::Email)
                    warning=state.shown_warning(Field::Email)
                />
            </div>
            <div class="fr-fieldset__element">
                <SelectField
                    id="organisation_kind"
                    label="Type de structure"
                    required=true
                    placeholder="Sélectionnez une option"
                    options=OrganisationKind::ALL.iter().map(|k| (k.code(), k.label())).collect()
                    value=state.value(Field::OrganisationKind)
                    on_change=state.setter(Field::OrganisationKind)
                    on_blur=state.leave(Field::OrganisationKind)
                    error=state.shown_error(Field::OrganisationKind)
                />
            </div>
            <div class="fr-fieldset__element fr-fieldset__element--inline-grow">
                <TextField
                    id="siren"
                    label="Code SIREN"
                    hint="9 chiffres, sans espace. La raison sociale est remplie automatiquement."
                    required=true
                    inputmode="numeric"
                    autocomplete="off"
                    maxlength=20
                    value=state.value(Field::Siren)
                    on_input=state.setter(Field::Siren)
                    on_blur=state.leave(Field::Siren)
                    error=state.shown_error(Field::Siren)
                    info=siren_info
                />
                <CompanySearchPanel on_found=Callback::new(move |found: CompanyMatch| {
                    state.set(Field::Siren, found.siren);
                    state.touched.update(|t| {
                        t.insert(Field::Siren);
                    });
                }) />
            </div>
            <div class="fr-fieldset__element fr-fieldset__element--inline-grow">
                <TextField
                    id="siret"
                    label="Code SIRET"
                    hint="Facultatif : vous n'avez pas à le compléter. 14 chiffres commençant par le SIREN."
                    inputmode="numeric"
                    autocomplete="off"
                    maxlength=25
                    value=state.value(Field::Siret)
                    on_input=state.setter(Field::Siret)
                    on_blur=state.leave(Field::Siret)
                    error=state.shown_error(Field::Siret)
                    info=state.notice(Field::Siret)
                />
            </div>
            <div class="fr-fieldset__element">
                <TextField
                    id="company_name"
                    label="Raison sociale"
                    hint="Remontée automatiquement à partir du code SIREN : vous n'avez pas à la compléter."
                    required=true
                    autocomplete="organization"
                    maxlength=250
                    readonly=company_readonly
                    value=company_value
                    on_input=state.setter(Field::CompanyName)
                    on_blur=state.leave(Field::CompanyName)
                    error=state.shown_error(Field::CompanyName)
                    warning=company_warning
                    info=company_info
                />
            </div>
            <div class="fr-fieldset__element">
                <PhoneField
                    prefix=state.value(Field::PhonePrefix)
                    on_prefix=state.setter(Field::PhonePrefix)
                    number=state.value(Field::PhoneNumber)
                    on_number=state.setter(Field::PhoneNumber)
                    on_blur=state.leave(Field::PhoneNumber)
                    error=phone_error
                />
            </div>
        </fieldset>
    }
}

/// The fields a server's answer names, each with its message.
pub(crate) fn field_errors(body: &ErrorBody) -> std::collections::BTreeMap<Field, String> {
    Field::ALL
        .into_iter()
        .filter_map(|f| body.field(f).map(|m| (f, m.to_string())))
        .collect()
}

/// The refused request of a refusal email's link: a part of its own, fetched only when the form is opened
/// from such a link.
#[lazy]
async fn reapplied(link: String) -> Result<RegistrationRequest, String> {
    client::reapply(&link).await.map_err(|e| e.message())
}

#[lazy]
fn sent_dialog(email: String, on_close: Callback<()>) -> AnyView {
    view! {
        <Notification open=Signal::stored(true) title="Demande envoyée" on_close>
            <p>"Votre demande de création de compte a bien été prise en compte."</p>
            <p>
                "Vous recevrez d'ici quelques minutes, à l'adresse " <strong>{email.clone()}</strong>
                ", un mail confirmant la transmission de votre demande aux administrateurs, avec sa référence. "
                "Si vous ne l'avez pas reçu, vérifiez vos courriers indésirables puis écrivez à "
                <a href=format!("mailto:{CONTACT_EMAIL}")>{CONTACT_EMAIL}</a> "."
            </p>
        </Notification>
    }
    .into_any()
}

/// The errors of a refused submit at the head of the form, focused so that a screen reader reads them: how
/// many, then each message (it names its field), a link that takes the focus to the field.
#[component]
pub(crate) fn ErrorSummary(errors: RwSignal<Vec<(Field, String)>>) -> impl IntoView {
    let to_field = move |field: Field| {
        move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            // The prefix and the number are one field to the applicant: the number takes the focus.
            let target = if field == Field::PhonePrefix {
                Field::PhoneNumber
            } else {
                field
            };
            focus(target.key());
        }
    };
    view! {
        <div id="error-summary" role="region" tabindex="-1" aria-labelledby="error-summary-title"
            class="fr-alert fr-alert--error fr-mb-3w" hidden=move || errors.with(Vec::is_empty)>
            <h2 class="fr-alert__title" id="error-summary-title">{move || match errors.with(Vec::len) {
                1 => "Le formulaire contient une erreur".to_string(),
                n => format!("Le formulaire contient {n} erreurs"),
            }}</h2>
            <ul>
                {move || errors.get().into_iter().map(|(field, message)| view! {
                    <li><a href=format!("#{}", field.key()) on:click=to_field(field)>{message}</a></li>
                }).collect_view()}
            </ul>
        </div>
    }
}
