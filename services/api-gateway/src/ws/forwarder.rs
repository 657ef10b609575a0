//! Moves one subscription's broadcast into its client's bounded send queue. A client whose queue is full, or
//! who fell behind the broadcast buffer, is marked slow: its session closes it with 1013, and nobody else
//! waits for it.

use axum::extract::ws::Utf8Bytes;
use observability::CancellationToken;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

pub fn spawn(
    mut source: broadcast::Receiver<Utf8Bytes>,
    queue: mpsc::Sender<Utf8Bytes>,
    slow: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match source.recv().await {
                Ok(message) => match queue.try_send(message) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(_)) => return slow.cancel(),
                    Err(mpsc::error::TrySendError::Closed(_)) => return,
                },
                Err(broadcast::error::RecvError::Lagged(_)) => return slow.cancel(),
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    })
}
