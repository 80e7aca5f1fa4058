//! The user login: phone number, code, and (with two-step verification) password.
//!
//! Each answer comes from `[telegram]` first (`phone`, `code`, `password`), then from the
//! prompter. Wrong answers are explained and asked again up to [`MAX_ATTEMPTS`] times; an
//! expired code is replaced by a new one.

use grammers_client::SignInError;
use grammers_client::client::PasswordToken;
use grammers_client::peer::User;
use grammers_client::tl;
use grammers_mtsender::InvocationError;
use grammers_session::Session;
use grammers_session::types::{PeerAuth, PeerInfo, UpdateState, UpdatesState};
use secrecy::{ExposeSecret, SecretString};

use super::Result;
use super::{
    Asker, CodeDelivery, LoginContext, LoginError, MAX_ATTEMPTS, common_rpc_error, missing,
    require_api_hash,
};

/// A code Telegram sent: how, and the hash that ties it to the phone number.
struct SentCode {
    delivery: CodeDelivery,
    phone_code_hash: String,
}

/// What `auth.sendCode` answered.
enum SendCodeOutcome {
    Sent(SentCode),
    /// Logged in without a code (a future-auth token was accepted).
    LoggedIn(Box<tl::types::auth::Authorization>),
}

pub(super) async fn log_in_user(ctx: &LoginContext<'_>, asker: &mut Asker<'_>) -> Result<User> {
    let api_hash = require_api_hash(ctx)?;
    let telegram = &ctx.config.telegram;

    // The phone number, until Telegram accepts it.
    let mut configured_phone = telegram.phone.clone();
    let mut rejected_from_config = false;
    let mut attempts = 0;
    let (phone, mut sent) = loop {
        let phone = match configured_phone.take() {
            Some(phone) => phone,
            None => match ask_phone(asker).await? {
                Some(phone) => phone,
                None if rejected_from_config => {
                    return Err(rejected(
                        ctx,
                        "the phone number",
                        "telegram.phone",
                        "PHONE_NUMBER_INVALID",
                    ));
                }
                None => return Err(missing(ctx, "the phone number", "telegram.phone")),
            },
        };
        match send_code(ctx, &phone, api_hash).await {
            Ok(SendCodeOutcome::Sent(sent)) => break (phone, sent),
            Ok(SendCodeOutcome::LoggedIn(auth)) => return complete_login(ctx, *auth).await,
            Err(e) if e.is("PHONE_NUMBER_INVALID") => {
                attempts += 1;
                rejected_from_config |= attempts == 1 && telegram.phone.is_some();
                asker.show("The phone number is invalid".to_owned()).await;
                if attempts >= MAX_ATTEMPTS {
                    return Err(too_many("an invalid phone number"));
                }
            }
            Err(e) => return Err(phone_error(ctx, e, &phone, "send the login code")),
        }
    };
    asker
        .show(format!(
            "The confirmation code has been sent via {}",
            sent.delivery
        ))
        .await;

    // The code, until it is right (or a password is needed).
    let mut configured_code = telegram.code.clone();
    let mut code_rejected_from_config = false;
    let mut wrong_codes = 0;
    let mut expired_codes = 0;
    loop {
        let from_config = configured_code.is_some();
        let code = match configured_code.take() {
            Some(code) => code,
            None => {
                let delivery = sent.delivery.clone();
                let answer = asker.ask(move |p| p.code(&delivery)).await;
                match answer.map_err(|source| prompt_error("the login code", source))? {
                    Some(code) => code,
                    None if code_rejected_from_config => {
                        return Err(rejected(
                            ctx,
                            "the login code",
                            "telegram.code",
                            "PHONE_CODE_INVALID",
                        ));
                    }
                    None => return Err(missing(ctx, "the login code", "telegram.code")),
                }
            }
        };
        match sign_in(ctx, &phone, &sent.phone_code_hash, &code).await {
            Ok(tl::enums::auth::Authorization::Authorization(auth)) => {
                return complete_login(ctx, auth).await;
            }
            Ok(tl::enums::auth::Authorization::SignUpRequired(_)) => {
                return Err(LoginError::SignUpRequired { phone });
            }
            Err(e) if e.is("PHONE_CODE_EXPIRED") => {
                expired_codes += 1;
                if expired_codes > MAX_ATTEMPTS {
                    return Err(too_many("an expired code"));
                }
                sent = match send_code(ctx, &phone, api_hash).await {
                    Ok(SendCodeOutcome::Sent(sent)) => sent,
                    Ok(SendCodeOutcome::LoggedIn(auth)) => return complete_login(ctx, *auth).await,
                    Err(e) => return Err(phone_error(ctx, e, &phone, "send a new login code")),
                };
                asker
                    .show(format!(
                        "The confirmation code has expired; a new one has been sent via {}",
                        sent.delivery
                    ))
                    .await;
            }
            Err(e) if e.is("PHONE_CODE_INVALID") || e.is("PHONE_CODE_EMPTY") => {
                wrong_codes += 1;
                asker
                    .show("The confirmation code is invalid".to_owned())
                    .await;
                if wrong_codes >= MAX_ATTEMPTS {
                    return Err(too_many("a wrong code"));
                }
                code_rejected_from_config |= from_config;
            }
            Err(e) if e.is("SESSION_PASSWORD_NEEDED") => {
                return check_password(ctx, asker).await;
            }
            Err(e) => return Err(phone_error(ctx, e, &phone, "sign in with the code")),
        }
    }
}

/// Asks for the number and its confirmation; `n` asks again.
async fn ask_phone(asker: &mut Asker<'_>) -> Result<Option<String>> {
    loop {
        let phone = asker
            .ask(|p| p.phone())
            .await
            .map_err(|source| prompt_error("the phone number", source))?;
        let Some(phone) = phone else {
            return Ok(None);
        };
        let shown = phone.clone();
        let confirmed = asker
            .ask(move |p| p.confirm_phone(&shown))
            .await
            .map_err(|source| prompt_error("the confirmation", source))?;
        if confirmed {
            return Ok(Some(phone));
        }
    }
}

/// The 2FA step: hint, then the password until it is right.
async fn check_password(ctx: &LoginContext<'_>, asker: &mut Asker<'_>) -> Result<User> {
    asker
        .show("The two-step verification is enabled and a password is required".to_owned())
        .await;
    let mut token = password_token(ctx).await?;
    if let Some(hint) = token.hint().filter(|h| !h.is_empty()) {
        asker.show(format!("Password hint: {hint}")).await;
    }
    let mut configured = ctx.config.telegram.password.clone();
    let mut rejected_from_config = false;
    let mut wrong = 0;
    loop {
        let from_config = configured.is_some();
        let password = match configured.take() {
            Some(password) => password,
            None => {
                let hint = token.hint().map(str::to_owned);
                let answer = asker.ask(move |p| p.password(hint.as_deref())).await;
                match answer.map_err(|source| prompt_error("the password", source))? {
                    Some(password) => password,
                    None if rejected_from_config => {
                        return Err(rejected(
                            ctx,
                            "the two-step verification password",
                            "telegram.password",
                            "PASSWORD_HASH_INVALID",
                        ));
                    }
                    None => {
                        return Err(missing(
                            ctx,
                            "the two-step verification password",
                            "telegram.password",
                        ));
                    }
                }
            }
        };
        match ctx
            .client
            .check_password(token, password.expose_secret().as_bytes())
            .await
        {
            Ok(user) => return Ok(user),
            Err(SignInError::InvalidPassword(_)) => {
                // Telegram accepts each SRP challenge once: fetch a fresh one to try again.
                token = password_token(ctx).await?;
                rejected_from_config |= from_config;
                wrong += 1;
                asker
                    .show("The two-step verification password is invalid".to_owned())
                    .await;
                if wrong >= MAX_ATTEMPTS {
                    return Err(too_many("a wrong password"));
                }
            }
            Err(SignInError::Other(e)) => {
                return Err(common_rpc_error(
                    ctx,
                    e,
                    "check the two-step verification password",
                ));
            }
            Err(other) => {
                return Err(LoginError::Unexpected {
                    step: "the two-step verification password check",
                    detail: other.to_string(),
                });
            }
        }
    }
}

/// Why `auth.sendCode` did not send a code.
enum SendCodeFailure {
    /// Telegram answered with an error (some are worth asking again for).
    Rpc(InvocationError),
    /// Anything else: the login cannot go on.
    Fatal(LoginError),
}

impl SendCodeFailure {
    fn is(&self, name: &str) -> bool {
        matches!(self, Self::Rpc(e) if e.is(name))
    }
}

impl From<InvocationError> for SendCodeFailure {
    fn from(error: InvocationError) -> Self {
        Self::Rpc(error)
    }
}

/// `account.getPassword`: the SRP challenge a password is checked against.
async fn password_token(ctx: &LoginContext<'_>) -> Result<PasswordToken> {
    let password: tl::types::account::Password = ctx
        .client
        .invoke(&tl::functions::account::GetPassword {})
        .await
        .map_err(|e| common_rpc_error(ctx, e, "read the two-step verification settings"))?
        .into();
    // grammers' `check_password` unwraps these; a missing one must be an error, not a panic.
    if password.current_algo.is_none() || password.srp_b.is_none() || password.srp_id.is_none() {
        return Err(LoginError::Unexpected {
            step: "the two-step verification settings",
            detail: "the password parameters are incomplete".to_owned(),
        });
    }
    Ok(PasswordToken::new(password))
}

/// `auth.sendCode`, following a "your number lives in DC n" redirect once.
async fn send_code(
    ctx: &LoginContext<'_>,
    phone: &str,
    api_hash: &SecretString,
) -> Result<SendCodeOutcome, SendCodeFailure> {
    let request = tl::functions::auth::SendCode {
        phone_number: phone.to_owned(),
        api_id: ctx.config.telegram.api_id,
        api_hash: api_hash.expose_secret().to_owned(),
        settings: tl::types::CodeSettings {
            allow_flashcall: false,
            current_number: false,
            allow_app_hash: false,
            allow_missed_call: false,
            allow_firebase: false,
            unknown_number: false,
            logout_tokens: None,
            token: None,
            app_sandbox: None,
        }
        .into(),
    };
    let answer = match ctx.client.invoke(&request).await {
        Err(InvocationError::Rpc(rpc)) if rpc.code == 303 && rpc.value.is_some() => {
            migrate(ctx, rpc.value.unwrap_or_default() as i32)
                .await
                .map_err(SendCodeFailure::Fatal)?;
            ctx.client.invoke(&request).await?
        }
        other => other?,
    };
    let unsupported = |what| SendCodeFailure::Fatal(LoginError::Unsupported { what });
    match answer {
        tl::enums::auth::SentCode::Code(code) => Ok(SendCodeOutcome::Sent(SentCode {
            delivery: delivery_of(&code.r#type)
                .ok_or_else(|| unsupported("setting up a login email"))?,
            phone_code_hash: code.phone_code_hash,
        })),
        tl::enums::auth::SentCode::Success(success) => match success.authorization {
            tl::enums::auth::Authorization::Authorization(auth) => {
                Ok(SendCodeOutcome::LoggedIn(Box::new(auth)))
            }
            tl::enums::auth::Authorization::SignUpRequired(_) => {
                Err(SendCodeFailure::Fatal(LoginError::SignUpRequired {
                    phone: phone.to_owned(),
                }))
            }
        },
        tl::enums::auth::SentCode::PaymentRequired(_) => Err(unsupported("a paid subscription")),
    }
}

/// Moves the session's home to `dc_id`, as Telegram asked with a 303 error.
async fn migrate(ctx: &LoginContext<'_>, dc_id: i32) -> Result<()> {
    let storage = ctx.session.storage();
    let store_error = |e: oxygram_session::SqliteSessionError| {
        LoginError::from(crate::session::SessionError::Storage {
            doing: "move the session to another data center",
            path: ctx.session.path().to_path_buf(),
            detail: e.to_string(),
        })
    };
    let old = storage.home_dc_id().map_err(store_error)?;
    tracing::info!(
        from = old,
        to = dc_id,
        "Telegram moved the account to another data center"
    );
    ctx.handle.disconnect_from_dc(old);
    storage.set_home_dc_id(dc_id).await.map_err(store_error)
}

/// How the code was sent; `None` when Telegram wants an email set up first.
fn delivery_of(kind: &tl::enums::auth::SentCodeType) -> Option<CodeDelivery> {
    use tl::enums::auth::SentCodeType as T;
    Some(match kind {
        T::App(_) => CodeDelivery::App,
        T::Sms(_) | T::FirebaseSms(_) | T::SmsWord(_) | T::SmsPhrase(_) => CodeDelivery::Sms,
        T::Call(_) => CodeDelivery::Call,
        T::FlashCall(_) => CodeDelivery::FlashCall,
        T::MissedCall(_) => CodeDelivery::MissedCall,
        T::FragmentSms(_) => CodeDelivery::FragmentSms,
        T::EmailCode(email) => CodeDelivery::Email(email.email_pattern.clone()),
        T::SetUpEmailRequired(_) => return None,
    })
}

async fn sign_in(
    ctx: &LoginContext<'_>,
    phone: &str,
    phone_code_hash: &str,
    code: &SecretString,
) -> Result<tl::enums::auth::Authorization, InvocationError> {
    ctx.client
        .invoke(&tl::functions::auth::SignIn {
            phone_number: phone.to_owned(),
            phone_code_hash: phone_code_hash.to_owned(),
            phone_code: Some(code.expose_secret().to_owned()),
            email_verification: None,
        })
        .await
}

/// What grammers' `complete_login` does (it is private): remember who logged in, and the
/// update state to start from, in the session.
async fn complete_login(
    ctx: &LoginContext<'_>,
    auth: tl::types::auth::Authorization,
) -> Result<User> {
    let state = ctx
        .client
        .invoke(&tl::functions::updates::GetState {})
        .await
        .ok();
    let storage = ctx.session.storage();
    let store_error = |e: oxygram_session::SqliteSessionError| {
        LoginError::from(crate::session::SessionError::Storage {
            doing: "record the logged-in account",
            path: ctx.session.path().to_path_buf(),
            detail: e.to_string(),
        })
    };
    if let tl::enums::User::User(raw) = &auth.user {
        storage
            .cache_peer(PeerInfo::User {
                id: raw.id,
                auth: raw
                    .access_hash
                    .filter(|_| !raw.min)
                    .map(PeerAuth::from_hash),
                bot: Some(raw.bot),
                is_self: Some(true),
            })
            .await
            .map_err(store_error)?;
    }
    if let Some(tl::enums::updates::State::State(state)) = state {
        storage
            .set_update_state(UpdateState::All(UpdatesState {
                pts: state.pts,
                qts: state.qts,
                date: state.date,
                seq: state.seq,
                channels: Vec::new(),
            }))
            .await
            .map_err(store_error)?;
    }
    Ok(User::from_raw(ctx.client, auth.user))
}

/// Errors of the phone/code steps, with the phone-specific ones explained.
fn phone_error(
    ctx: &LoginContext<'_>,
    failure: impl Into<SendCodeFailure>,
    phone: &str,
    doing: &'static str,
) -> LoginError {
    let error = match failure.into() {
        SendCodeFailure::Fatal(error) => return error,
        SendCodeFailure::Rpc(error) => error,
    };
    if error.is("PHONE_NUMBER_UNOCCUPIED") {
        return LoginError::SignUpRequired {
            phone: phone.to_owned(),
        };
    }
    if error.is("PHONE_NUMBER_BANNED") {
        return LoginError::PhoneBanned {
            phone: phone.to_owned(),
        };
    }
    common_rpc_error(ctx, error, doing)
}

/// A configured value was rejected and the prompter cannot supply another.
fn rejected(
    ctx: &LoginContext<'_>,
    what: &'static str,
    key: &'static str,
    rpc: &str,
) -> LoginError {
    LoginError::Rejected {
        what,
        key,
        source_name: ctx.config.source_of(key).to_string(),
        rpc: rpc.to_owned(),
    }
}

fn too_many(what: &'static str) -> LoginError {
    LoginError::TooManyAttempts {
        what,
        attempts: MAX_ATTEMPTS,
    }
}

fn prompt_error(what: &'static str, source: std::io::Error) -> LoginError {
    LoginError::Prompt { what, source }
}
