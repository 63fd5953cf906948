//! A connection's bounded outgoing queue, and what happens when it is full.
//!
//! Every message for a connection (its replies, the EVENTs, INVOCATIONs, RESULTs and ERRORs
//! other sessions cause) is pushed without waiting into a queue of [`CAPACITY`] messages,
//! which the connection's writer task drains into the socket. Nobody ever waits for a slow
//! peer, so a slow subscriber stalls neither the publisher nor the other subscribers:
//!
//! * an **EVENT** for a full queue is dropped for that subscriber; after
//!   [`EVENT_DROP_LIMIT`] drops in a row the subscriber is disconnected;
//! * **any other message** for a full queue disconnects the peer at once: a dropped RESULT or
//!   INVOCATION would leave a call hanging forever, so a peer that does not read its answers
//!   is not served.
//!
//! The queue holds each message encoded in the peer's format, unframed, as [`Bytes`] (the
//! subscribers of a publication on one format share one buffer), marked as an EVENT or not
//! ([`Queued`]): a RawSocket writer may hold EVENTs a little to write them with the next
//! ones, never a message its peer waits for. The writer frames it for the transport.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::{mpsc, Notify};

/// Messages a connection's queue holds.
pub const CAPACITY: usize = 256;

/// EVENTs dropped in a row for a full queue before its subscriber is disconnected.
pub const EVENT_DROP_LIMIT: u32 = 1024;

/// The sending side of a connection's queue (cheap to clone: the router keeps one per session).
#[derive(Debug, Clone)]
pub struct Outbox {
    queue: mpsc::Sender<Queued>,
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    /// EVENTs dropped since the last one that went through.
    dropped_in_a_row: AtomicU32,
    /// Signalled when the peer is to be disconnected.
    evicted: Notify,
}

/// The receiving side of a connection's queue, which its writer drains.
pub type Queue = mpsc::Receiver<Queued>;

/// A message in a connection's queue: encoded for the peer, unframed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// The message.
    pub message: Bytes,
    /// Whether it is an EVENT, which nobody waits for: a writer may hold it a little to
    /// write it with the next ones.
    pub event: bool,
}

impl std::ops::Deref for Queued {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.message
    }
}

/// Tells the connection that the router has decided to disconnect its peer.
#[derive(Debug)]
pub struct Eviction(Arc<Shared>);

impl Eviction {
    /// Resolves once the peer is to be disconnected.
    pub async fn wait(&self) {
        self.0.evicted.notified().await
    }
}

/// A new connection's queue.
pub fn queue() -> (Outbox, Queue, Eviction) {
    let (tx, rx) = mpsc::channel(CAPACITY);
    let shared = Arc::new(Shared::default());
    let outbox = Outbox {
        queue: tx,
        shared: shared.clone(),
    };
    (outbox, rx, Eviction(shared))
}

impl Outbox {
    /// Queues an EVENT, dropping it if the queue is full (and disconnecting the subscriber
    /// after [`EVENT_DROP_LIMIT`] such drops in a row).
    pub fn push_event(&self, event: impl Into<Bytes>) {
        let event = Queued {
            message: event.into(),
            event: true,
        };
        match self.queue.try_send(event) {
            Ok(()) => self.shared.dropped_in_a_row.store(0, Ordering::Relaxed),
            Err(mpsc::error::TrySendError::Full(_)) => {
                let dropped = self.shared.dropped_in_a_row.fetch_add(1, Ordering::Relaxed) + 1;
                if dropped >= EVENT_DROP_LIMIT {
                    self.evict();
                }
            }
            // the connection is closing: nobody to deliver to
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    /// Queues any other message, disconnecting the peer if the queue is full.
    pub fn push(&self, message: impl Into<Bytes>) {
        let message = Queued {
            message: message.into(),
            event: false,
        };
        if let Err(mpsc::error::TrySendError::Full(_)) = self.queue.try_send(message) {
            self.evict();
        }
    }

    /// Asks the connection to close (stored if nobody is waiting yet).
    pub fn evict(&self) {
        self.shared.evicted.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_for_a_full_queue_are_dropped_then_the_subscriber_evicted() {
        let (outbox, mut queue, eviction) = queue();
        for i in 0..CAPACITY {
            outbox.push_event(vec![i as u8]);
        }
        for _ in 1..EVENT_DROP_LIMIT {
            outbox.push_event(vec![0xff]);
        }
        // not evicted yet: a stored permit would make `evicted` ready
        let evicted = eviction.0.evicted.notified();
        tokio::pin!(evicted);
        assert!(!evicted.as_mut().enable(), "evicted before the limit");
        outbox.push_event(vec![0xff]);
        assert!(evicted.as_mut().enable(), "not evicted at the limit");
        // the queue holds exactly the first CAPACITY events, in order
        for i in 0..CAPACITY {
            assert_eq!(queue.try_recv().unwrap().message, vec![i as u8]);
        }
        assert!(queue.try_recv().is_err());
    }

    #[test]
    fn a_delivered_event_resets_the_drop_count() {
        let (outbox, mut queue, eviction) = queue();
        for _ in 0..CAPACITY {
            outbox.push_event(vec![0]);
        }
        for _ in 1..EVENT_DROP_LIMIT {
            outbox.push_event(vec![1]);
        }
        queue.try_recv().unwrap();
        outbox.push_event(vec![2]);
        outbox.push_event(vec![3]); // full again: the first drop of a new run
        let evicted = eviction.0.evicted.notified();
        tokio::pin!(evicted);
        assert!(!evicted.as_mut().enable());
    }

    #[test]
    fn a_reply_for_a_full_queue_evicts_at_once() {
        let (outbox, _queue, eviction) = queue();
        for _ in 0..CAPACITY {
            outbox.push(vec![0]);
        }
        let evicted = eviction.0.evicted.notified();
        tokio::pin!(evicted);
        assert!(!evicted.as_mut().enable());
        outbox.push(vec![1]);
        assert!(evicted.as_mut().enable());
    }
}
