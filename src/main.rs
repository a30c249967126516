use clap::Parser;

fn main() -> std::process::ExitCode {
    match acs_chat_inspector::cli::Cli::try_parse() {
        Ok(cli) => acs_chat_inspector::run(cli),
        Err(e) => acs_chat_inspector::cli::report_parse_error(&e),
    }
}
