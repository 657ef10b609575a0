//! Webhook delivery mechanics shared by the delivery worker and the gateway's test endpoint: SSRF policy,
//! guarded resolution, signing, one attempt.

pub mod guard;
pub mod ip_policy;
pub mod sender;
pub mod signature;
pub mod test_delivery;

pub use guard::TargetError;
pub use sender::{Attempt, WebhookSender};
pub use signature::{EVENT_ID_HEADER, SIGNATURE_HEADER, sign, verify};
pub use test_delivery::{TestDelivery, TestTarget, deliver_test};
