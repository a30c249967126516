//! The integration tests, one module per feature, in one binary (one link instead of thirty).

mod support;

mod api_versions;
mod bundle_read;
mod client;
mod demo_cases;
mod diagnose;
mod diff;
mod edge_cases;
mod emulator;
mod export;
mod faults;
mod findings;
mod har;
mod headless;
mod hostile;
mod identifiers;
mod leak_scan;
mod live;
mod membership;
mod minting;
mod models;
mod open_offline;
mod paging;
mod profiles;
mod properties;
mod teams_interop;
mod terminal;
mod threads;
mod threads_tab;
mod tokens;
mod tui_keys;
mod tui_loop;
mod tui_snapshots;
mod tui_update;
mod watch;
