//! Who is calling: `Authorization: Bearer <key>` resolved once per request by middleware; handlers ask for
//! [`Authenticated`] (alert endpoints) or [`MarketAccess`] (public unless `REQUIRE_AUTH_FOR_MARKET_DATA`).

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use super::ApiError;
use crate::state::AppState;

/// The verified key of the request, if it carried one.
#[derive(Debug, Clone, Copy)]
pub struct Caller(pub Option<Uuid>);

/// A present but wrong key is always a 401, even on public endpoints: a client should learn its key is bad.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let caller = match request.headers().get(AUTHORIZATION) {
        None => Caller(None),
        Some(value) => {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .map(str::trim)
                .filter(|t| !t.is_empty());
            let Some(token) = token else {
                return ApiError::new(
                    axum::http::StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "the Authorization header must be `Bearer <key>`",
                )
                .into_response();
            };
            match state.keys.verify(token).await {
                Ok(Some(id)) => Caller(Some(id)),
                Ok(None) => return ApiError::bad_key().into_response(),
                Err(error) => return ApiError::database(error).into_response(),
            }
        }
    };
    request.extensions_mut().insert(caller);
    next.run(request).await
}

/// The caller's key id; rejects anonymous requests with 401.
#[derive(Debug, Clone, Copy)]
pub struct Authenticated(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        match parts.extensions.get::<Caller>() {
            Some(Caller(Some(id))) => Ok(Self(*id)),
            _ => Err(ApiError::key_required()),
        }
    }
}

/// Market data access: anyone, or only key holders when the gateway is configured so.
#[derive(Debug, Clone, Copy)]
pub struct MarketAccess;

impl FromRequestParts<AppState> for MarketAccess {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let known = matches!(parts.extensions.get::<Caller>(), Some(Caller(Some(_))));
        if state.http.require_auth_for_market_data && !known {
            return Err(ApiError::key_required());
        }
        Ok(Self)
    }
}
