//! Integration tests: each spawns its own simulator in-process on port 0 and talks to it over real
//! sockets with tokio-tungstenite and reqwest.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod control;
mod faults;
mod helpers;
mod lifecycle;
mod replay;
mod rest;
mod rules;
mod streams;
