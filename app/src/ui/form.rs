//! Form widgets every capability uses: a labelled field with its hint and its error, a
//! labelled choice, the error that is about no field, and the flash a form came back
//! with. Plain HTML posting to a server function, so each works without JavaScript.
//!
//! An error about a field is shown once, next to that field (announced, `role=alert`,
//! and tied to the input by `aria-describedby`); only an error about no field of the
//! form goes above it (`form_error`).

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{fill, t, Msg};
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

/// The error the flash holds about field `name`, for under its input (announced); nothing
/// when the form came back about another field or not at all.
pub fn field_error(flash: &Option<Flash>, name: &str) -> impl IntoView {
    error_for(flash, name)
        .map(|e| view! { <p class="field-error" role="alert" data-test="field-error">{e}</p> })
}

/// A labelled input with its hint and, when the form came back about it, its error and
/// what was typed (never a password).
pub fn field(f: Field, flash: &Option<Flash>) -> impl IntoView {
    field_with(f, flash, "")
}

/// The same, prefilled with `default` unless the form came back with what was typed.
pub fn field_with(f: Field, flash: &Option<Flash>, default: &str) -> impl IntoView {
    let input = Input {
        autocomplete: Some(f.autocomplete),
        required: f.required,
        ..Input::plain(format!("f-{}", f.name), f.name.to_string(), f.kind, None)
    };
    input_view(flash, input, f.label, f.name, default, f.hint)
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

/// "At most {max} characters" about `field`.
pub fn too_long(field: &str, max: usize) -> AppError {
    AppError::invalid(
        field,
        fill(t(Msg::ErrTooLong), &[("max", &max.to_string())]),
    )
}

/// A text field as typed: trimmed, at most `max` characters, no control characters but
/// line breaks and tabs, line breaks as `\n`; `required`: not empty.
pub fn clean_text(raw: &str, field: &str, max: usize, required: bool) -> Result<String, AppError> {
    let s = raw.trim();
    if required && s.is_empty() {
        return Err(AppError::invalid(field, t(Msg::ErrRequired)));
    }
    if s.chars().count() > max {
        return Err(too_long(field, max));
    }
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(AppError::invalid(field, t(Msg::ErrControlChars)));
    }
    Ok(s.replace("\r\n", "\n"))
}

/// `YYYY-MM-DDTHH:MM` (seconds allowed) in UTC as unix milliseconds.
pub fn parse_publish_at(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let (date, time) = raw.split_once('T').or_else(|| raw.split_once(' '))?;
    let mut d = date.split('-');
    let (y, m, day) = (d.next()?, d.next()?, d.next()?);
    if d.next().is_some() || y.len() != 4 || m.len() != 2 || day.len() != 2 {
        return None;
    }
    let (y, m, day): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, day.parse().ok()?);
    let mut tm = time.split(':');
    let (h, min) = (tm.next()?, tm.next()?);
    let sec = tm.next().unwrap_or("0");
    if tm.next().is_some() || h.len() != 2 || min.len() != 2 {
        return None;
    }
    let (h, min, sec): (i64, i64, i64) = (h.parse().ok()?, min.parse().ok()?, sec.parse().ok()?);
    if !(2000..=2999).contains(&y) || !(1..=12).contains(&m) || h > 23 || min > 59 || sec > 59 {
        return None;
    }
    let days_in_month = match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day == 0 || day > days_in_month {
        return None;
    }
    let days = crate::domain::days_from_civil(y, m, day);
    Some(((days * 24 + h) * 60 + min) * 60_000 + sec * 1000)
}

/// Unix milliseconds as a `datetime-local` value in UTC.
pub fn format_publish_at(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let (y, m, d) = crate::domain::civil_from_days(days);
    let minutes = ms.rem_euclid(86_400_000) / 60_000;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}",
        minutes / 60,
        minutes % 60
    )
}

/// A labelled input named `form[name]` (the shape of the editors' forms): what came back
/// in the flash, else `value`; its hint and its error tied to it.
pub fn form_input(
    flash: &Option<Flash>,
    label: &'static str,
    name: &'static str,
    kind: &'static str,
    value: &str,
    hint: Option<&'static str>,
) -> AnyView {
    let input = Input::plain(format!("f-{name}"), format!("form[{name}]"), kind, None);
    input_view(flash, input, label, name, value, hint.map(str::to_owned))
}

/// A labelled text input of a flat form, named `name`, with the id `{id_prefix}-{name}`
/// (so several forms on one page keep their ids apart) and at most `max` characters: what
/// came back in the flash, else `value`; its hint and its error tied to it.
pub fn text_input(
    flash: &Option<Flash>,
    id_prefix: &str,
    name: &'static str,
    label: &'static str,
    value: &str,
    max: usize,
    hint: Option<&'static str>,
) -> AnyView {
    let input = Input::plain(
        format!("{id_prefix}-{name}"),
        name.to_string(),
        "text",
        Some(max),
    );
    input_view(flash, input, label, name, value, hint.map(str::to_owned))
}

/// An input's own attributes.
struct Input {
    id: String,
    name: String,
    kind: &'static str,
    max: Option<usize>,
    autocomplete: Option<&'static str>,
    required: bool,
}

impl Input {
    /// An optional input without an autocomplete hint.
    fn plain(id: String, name: String, kind: &'static str, max: Option<usize>) -> Self {
        Input {
            id,
            name,
            kind,
            max,
            autocomplete: None,
            required: false,
        }
    }
}

/// The labelled input of field `field` (the name its errors and typed value come back
/// under); a password input never shows what was typed.
fn input_view(
    flash: &Option<Flash>,
    input: Input,
    label: &'static str,
    field: &'static str,
    value: &str,
    hint: Option<String>,
) -> AnyView {
    let Input {
        id,
        name,
        kind,
        max,
        autocomplete,
        required,
    } = input;
    let error = error_for(flash, field);
    let typed = if kind == "password" {
        String::new()
    } else {
        flash
            .as_ref()
            .map_or_else(|| value.to_string(), |f| f.value(field))
    };
    let hint_id = hint.as_ref().map(|_| format!("{id}-hint"));
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let described = described_by([hint_id.as_ref(), error_id.as_ref()]);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id.clone() name=name type=kind value=typed maxlength=max.map(|m| m.to_string())
                autocomplete=autocomplete required=required
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=described/>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            {error_view(format!("{id}-error"), error)}
        </div>
    }
    .into_any()
}

/// A labelled choice named `form[name]`: what came back in the flash, else `value`.
pub fn form_select<V: AsRef<str>, L: AsRef<str>>(
    flash: &Option<Flash>,
    label: &'static str,
    name: &'static str,
    options: &[(V, L)],
    value: &str,
) -> AnyView {
    let id = format!("f-{name}");
    let error = error_for(flash, name);
    let chosen = flash
        .as_ref()
        .map(|f| f.value(name))
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| value.to_string());
    let error_id = format!("{id}-error");
    let options = options
        .iter()
        .map(|(v, l)| {
            let (v, l) = (v.as_ref().to_string(), l.as_ref().to_string());
            view! { <option selected=v == chosen value=v>{l}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=format!("form[{name}]") aria-invalid=error.is_some().then_some("true")
                aria-describedby=error.as_ref().map(|_| error_id.clone())>{options}</select>
            {error.map(|m| view! { <p class="field-error" id=error_id role="alert" data-test="field-error">{m}</p> })}
        </div>
    }
    .into_any()
}
