//! The integration tests, one module per feature, in one binary (one link instead of thirty).

mod support;

mod cli_terminal;
mod cli_token;
mod client_emulator;
mod config_profiles;
mod config_state;
mod emulator_demo;
mod emulator_wire;
mod faults_headless;
mod headless_bundle;
mod headless_emulator;
mod headless_fetch;
mod headless_paging;
mod hostile;
mod identity_mint;
mod identity_signing;
mod models;
mod properties;
mod soak;
mod terminal;
mod tui_emulator;
mod tui_fuzz;
mod tui_minting;
mod tui_profiles;
mod tui_pty;
mod tui_snapshots;
mod tui_tasks;
mod tui_timeline_scale;
mod tui_update;
