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
mod shell;
mod terminal;
mod terminal_ux;
mod tokens;
mod tui_filter;
mod tui_keys;
mod tui_loop;
mod tui_raw;
mod tui_refresh;
mod tui_screen;
mod tui_snapshots;
mod tui_update;
