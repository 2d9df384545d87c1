//! Form widgets every capability uses: a labelled field with its hint and its error, a
//! labelled choice, the error that is about no field, and the flash a form came back
//! with. Plain HTML posting to a server function, so each works without JavaScript.
//!
//! An error about a field is shown once, next to that field (announced, `role=alert`,
//! and tied to the input by `aria-describedby`); only an error about no field of the
//! form goes above it (`form_error`).

use leptos::prelude::*;

use crate::web::Flash;

/// The flash for `form`, taken (and cleared) on the server; the browser never has one.
pub fn take_flash(form: &str) -> Option<Flash> {
    #[cfg(feature = "ssr")]
    return crate::web::ssr::take_flash(form);
    #[cfg(not(feature = "ssr"))]
    {
        let _ = form;
        None
    }
}

/// An error that is not about one of the form's `fields`, above the form (announced).
pub fn form_error(flash: &Option<Flash>, fields: &[&str]) -> impl IntoView {
    flash
        .as_ref()
        .filter(|f| !fields.contains(&f.field.as_str()))
        .map(|f| {
            view! { <p class="form-error" role="alert" data-test="form-error">{f.message.clone()}</p> }
        })
}

/// One input of a form.
pub struct Field {
    pub label: &'static str,
    pub name: &'static str,
    /// The input's `type`.
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub required: bool,
    pub hint: Option<String>,
}

/// The error the flash holds about `name`, if it is about that field.
fn error_for(flash: &Option<Flash>, name: &str) -> Option<String> {
    flash
        .as_ref()
        .filter(|fl| fl.field == name)
        .map(|fl| fl.message.clone())
}

/// The ids a field's input points at for its description (hint, error).
fn described_by(parts: [Option<&String>; 2]) -> Option<String> {
    let ids = parts.into_iter().flatten().cloned().collect::<Vec<_>>();
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn error_view(id: String, error: Option<String>) -> impl IntoView {
    error.map(
        |e| view! { <p class="field-error" id=id role="alert" data-test="field-error">{e}</p> },
    )
}

/// A labelled input with its hint and, when the form came back about it, its error and
/// what was typed (never a password).
pub fn field(f: Field, flash: &Option<Flash>) -> impl IntoView {
    field_with(f, flash, "")
}

/// The same, prefilled with `default` unless the form came back with what was typed.
pub fn field_with(f: Field, flash: &Option<Flash>, default: &str) -> impl IntoView {
    let error = error_for(flash, f.name);
    let value = if f.kind == "password" {
        String::new()
    } else {
        match flash {
            Some(fl) => fl.value(f.name),
            None => default.to_string(),
        }
    };
    let id = format!("f-{}", f.name);
    let hint_id = f.hint.as_ref().map(|_| format!("{id}-hint"));
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let described = described_by([hint_id.as_ref(), error_id.as_ref()]);
    view! {
        <div class="field">
            <label for=id.clone()>{f.label}</label>
            <input
                id=id.clone()
                name=f.name
                type=f.kind
                value=value
                autocomplete=f.autocomplete
                required=f.required
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=described
            />
            {f.hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            {error_view(format!("{id}-error"), error)}
        </div>
    }
}

/// A labelled choice among `options` (value, label). The chosen one is what the form
/// came back with, else `default`.
pub fn choice(
    label: &'static str,
    name: &'static str,
    autocomplete: &'static str,
    options: Vec<(String, String)>,
    default: &str,
    flash: &Option<Flash>,
) -> impl IntoView {
    let error = error_for(flash, name);
    let chosen = flash
        .as_ref()
        .map(|f| f.value(name))
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string());
    let id = format!("f-{name}");
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let options = options
        .into_iter()
        .map(|(value, label)| {
            let selected = value.eq_ignore_ascii_case(&chosen);
            view! { <option value=value selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select
                id=id.clone()
                name=name
                autocomplete=autocomplete
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=described_by([error_id.as_ref(), None])
            >
                {options}
            </select>
            {error_view(format!("{id}-error"), error)}
        </div>
    }
}

/// The form's main button.
pub fn submit(label: &'static str) -> impl IntoView {
    view! { <button type="submit" class="primary">{label}</button> }
}
