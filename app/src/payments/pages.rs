//! The test provider's hosted pages: the card form (`/pay/{intent}`) and the 3-D Secure
//! challenge (`/pay/{intent}/challenge`). A real gateway shows these on its own site.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use super::api::payment_intent;
use super::{IntentStatus, IntentView};
use crate::i18n::{self, format_price, t, tf, Msg};
use crate::ui::form::{field, form_error, take_flash, Field};
use crate::ui::{page_title, when_loaded};

fn intent_resource() -> Resource<Result<IntentView, crate::error::AppError>> {
    let params = use_params_map();
    Resource::new(
        move || params.read().get("intent").unwrap_or_default(),
        payment_intent,
    )
}

fn heading(intent: &IntentView) -> impl IntoView {
    let locale = i18n::current();
    view! {
        <p class="test-mode" data-test="test-mode">{t(Msg::TestModeNote)}</p>
        <p class="pay-amount">
            {tf(Msg::PayAmountFor, &[("order", &intent.order_number)])}" "
            <strong data-test="pay-amount">{format_price(intent.amount, locale)}</strong>
        </p>
    }
}

fn settled(intent: &IntentView) -> Option<AnyView> {
    match intent.status {
        IntentStatus::Succeeded => Some(
            view! {
                <p class="notice" role="status" data-test="pay-done">{t(Msg::PaymentDone)}</p>
                <p><a class="button primary" href=intent.return_url.clone()>{t(Msg::BackToShop)}</a></p>
            }
            .into_any(),
        ),
        IntentStatus::Canceled => Some(
            view! { <p class="form-error" data-test="pay-canceled">{t(Msg::PaymentCanceled)}</p> }
                .into_any(),
        ),
        _ => None,
    }
}

#[component]
pub fn PayPage() -> impl IntoView {
    let flash = take_flash("pay");
    let data = intent_resource();
    view! {
        <Title text=page_title(t(Msg::PayTitle))/>
        <Meta name="robots" content="noindex"/>
        <h1 data-test="page-heading">{t(Msg::PayTitle)}</h1>
        {when_loaded(data, move |intent| {
            let flash = flash.clone();
            if let Some(done) = settled(&intent) {
                return view! { {heading(&intent)}{done} }.into_any();
            }
            if intent.status == IntentStatus::RequiresAction {
                let to = format!("/pay/{}/challenge", intent.id);
                return view! { {heading(&intent)}<p><a class="button primary" href=to>{t(Msg::ChallengeContinue)}</a></p> }.into_any();
            }
            let last = (!intent.last_error.is_empty() && flash.is_none()).then(|| {
                view! { <p class="form-error" role="alert" data-test="form-error">{intent.last_error.clone()}</p> }
            });
            view! {
                {heading(&intent)}
                {last}
                {form_error(&flash, &["number", "expiry", "cvc"])}
                <form method="post" action="/api/pay/card" class="stack pay-form" data-test="pay-form">
                    <input type="hidden" name="intent" value=intent.id.clone()/>
                    {field(Field { label: t(Msg::CardNumber), name: "number", kind: "text", autocomplete: "cc-number", required: true, hint: Some(t(Msg::CardNumberHint).to_string()) }, &flash)}
                    {field(Field { label: t(Msg::CardExpiry), name: "expiry", kind: "text", autocomplete: "cc-exp", required: true, hint: Some("MM/YY".to_string()) }, &flash)}
                    {field(Field { label: t(Msg::CardCvc), name: "cvc", kind: "text", autocomplete: "cc-csc", required: true, hint: None }, &flash)}
                    {intent.can_save.then(|| view! {
                        <div class="choice-row">
                            <input type="checkbox" id="save-card" name="save" value="1" data-test="save-card"/>
                            <label for="save-card">{t(Msg::SaveCard)}</label>
                        </div>
                    })}
                    <button type="submit" class="primary" data-test="pay-submit">{t(Msg::PayNow)}</button>
                </form>
            }
            .into_any()
        })}
    }
}

#[component]
pub fn ChallengePage() -> impl IntoView {
    let data = intent_resource();
    view! {
        <Title text=page_title(t(Msg::ChallengeTitle))/>
        <Meta name="robots" content="noindex"/>
        <h1 data-test="page-heading">{t(Msg::ChallengeTitle)}</h1>
        {when_loaded(data, move |intent| {
            if let Some(done) = settled(&intent) {
                return view! { {heading(&intent)}{done} }.into_any();
            }
            if intent.status != IntentStatus::RequiresAction {
                let to = format!("/pay/{}", intent.id);
                return view! { <p><a href=to>{t(Msg::PayTitle)}</a></p> }.into_any();
            }
            view! {
                {heading(&intent)}
                <p>{t(Msg::ChallengeText)}</p>
                <form method="post" action="/api/pay/challenge" class="challenge">
                    <input type="hidden" name="intent" value=intent.id.clone()/>
                    <button type="submit" name="decision" value="approve" class="primary" data-test="challenge-approve">{t(Msg::ChallengeApprove)}</button>
                    " "
                    <button type="submit" name="decision" value="fail" data-test="challenge-fail">{t(Msg::ChallengeFail)}</button>
                </form>
            }
            .into_any()
        })}
    }
}
