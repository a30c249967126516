//! Shell completion scripts and the manual page, generated from the clap definitions the parser
//! uses, so they cannot drift from the flags.
//!
//! Completion scripts are static (`clap_complete`'s stable generators): the thread ids opened
//! recently on this machine are written into the script as the values offered for `--thread` and
//! for every subcommand's thread id. Loading the script when the shell starts
//! (`source <(acs-chat-inspector completions bash)`) keeps them current. Completion that asks the
//! program at every Tab (`clap_complete`'s dynamic engine) needs clap's unstable features.

use std::io::{self, Write};

use clap::builder::PossibleValuesParser;
use clap::{Arg, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::config::State;

/// The program's name in scripts and the manual page.
const NAME: &str = "acs-chat-inspector";

/// Names of the arguments that take a thread id.
const THREAD_ARGS: [&str; 2] = ["thread", "thread_id"];

/// Prints the completion script for `shell`, offering the recently opened thread ids.
pub fn completions(shell: Shell, out: &mut impl Write) -> io::Result<()> {
    let recent = State::path()
        .map(|path| State::at(path).all_recent_threads())
        .unwrap_or_default();
    let mut command = offer_threads(Cli::command(), &recent);
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, NAME, &mut script);
    out.write_all(&script)?;
    out.flush()
}

/// Prints the manual page as roff.
pub fn man(out: &mut impl Write) -> io::Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    out.flush()
}

/// The command with `ids` as the values completed for every thread argument (only for the
/// script: the parser itself accepts any id).
pub fn offer_threads(command: clap::Command, ids: &[String]) -> clap::Command {
    if ids.is_empty() {
        return command;
    }
    let offer = |arg: Arg| arg.value_parser(PossibleValuesParser::new(ids.to_vec()));
    let mut command = command;
    for name in THREAD_ARGS {
        if command.get_arguments().any(|a| a.get_id() == name) {
            command = command.mut_arg(name, offer);
        }
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, |sub| offer_threads(sub, ids));
    }
    command
}

/// Runs `completions` or `man`; the exit code.
pub fn run(command: &crate::cli::Command) -> Option<i32> {
    let mut out = io::stdout().lock();
    let written = match command {
        crate::cli::Command::Completions { shell } => completions(*shell, &mut out),
        crate::cli::Command::Man => man(&mut out),
        _ => return None,
    };
    Some(match written {
        Ok(()) => 0,
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("error: cannot write to stdout: {e}");
            4
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(shell: Shell, ids: &[String]) -> String {
        let mut command = offer_threads(Cli::command(), ids);
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut command, NAME, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_shell_gets_the_subcommands_and_flags() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell] {
            let text = script(shell, &[]);
            for word in ["participants", "thread", "no-mouse", "completions"] {
                assert!(text.contains(word), "{shell}: {word} missing");
            }
        }
    }

    #[test]
    fn recent_thread_ids_are_offered_for_thread_arguments() {
        let id = "19:uni01_recentthread@thread.v2".to_string();
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let text = script(shell, std::slice::from_ref(&id));
            assert!(text.contains("recentthread"), "{shell}:\n{text}");
        }
        assert!(!script(Shell::Bash, &[]).contains("recentthread"));
    }

    #[test]
    fn the_man_page_names_the_program_and_its_subcommands() {
        let mut out = Vec::new();
        man(&mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert!(page.contains(".TH acs-chat-inspector"), "{page}");
        assert!(page.contains("bundle"));
        assert!(page.contains("\\-\\-no\\-mouse"));
    }
}
