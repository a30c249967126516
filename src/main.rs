use clap::Parser;

fn main() -> std::process::ExitCode {
    acs_chat_inspector::run(acs_chat_inspector::cli::Cli::parse())
}
