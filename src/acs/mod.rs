//! The ACS Chat REST client. It knows HTTP and JSON, nothing of terminals, and is usable on its own.

pub mod api_versions;
pub mod client;
pub mod endpoint;
pub mod error;
pub mod exchange;
pub mod http;
pub mod identifier;
pub mod identity;
pub mod images;
mod lenient;
pub mod limits;
pub mod models;
pub mod pager;
pub mod raw_id;
pub mod retry;
pub mod scheduler;
pub mod secret;
pub mod time;
pub mod token;

pub use client::{ChatClient, ClientConfig, ClientEvent, Fetched, ListOptions};
pub use endpoint::{DEFAULT_API_VERSION, Endpoint, KNOWN_API_VERSIONS};
pub use error::{AcsError, ServiceError, TransportKind};
pub use exchange::{Exchange, ExchangeSummary, FailedAttempt, RequestLog};
pub use identifier::{CommunicationIdentifierModel, IdentifierKind};
pub use images::{ChatImage, ImageView};
pub use models::*;
pub use pager::Pager;
pub use retry::RetryPolicy;
pub use scheduler::{Pacing, Scheduler};
pub use secret::AccessToken;
pub use time::TimeDisplay;
