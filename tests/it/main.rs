//! The integration tests, one module per feature, in one binary (one link instead of thirty).

mod support;

mod client;
mod diagnose;
mod emulator;
mod export;
mod faults;
mod headless;
mod minting;
mod models;
mod paging;
mod profiles;
mod properties;
mod terminal;
mod threads;
mod tokens;
mod tui_keys;
mod tui_loop;
mod tui_snapshots;
mod tui_update;
