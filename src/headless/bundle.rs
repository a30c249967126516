//! `bundle`: the whole thread in one document, on stdout or in a private file.

use std::io::Write;
use std::path::Path;

use crate::files::{Overwrite, check_target};
use chrono::Utc;

use super::connect::connect;
use super::failure::{Failure, TokenContext};
use super::output::{JsonOut, Progress};
use crate::cli::Cli;
use crate::diagnose::{Options, ThreadData, diagnose};
use crate::export::{self, Bundle, BundleProgress};

/// Builds and delivers the bundle; the exit code is 3 or 4 when a part of it failed.
pub async fn bundle(
    cli: &Cli,
    thread_id: &str,
    output: Option<Target<'_>>,
    redact: bool,
) -> Result<i32, Failure> {
    if let Some(target) = &output {
        target.check()?;
    }
    let mut session = connect(cli).await?;
    session.token.thread_id = Some(thread_id.to_string());
    let mut progress = Progress::stderr();
    let built = export::build_bundle(&session.client, thread_id, |p: BundleProgress| {
        progress.update(&format!(
            "{}: page {}, {} items",
            p.part.field(),
            p.pages,
            p.items
        ));
    })
    .await;
    progress.clear();
    let bundle = built.map_err(|e| session.token.failure(e))?;
    deliver(&bundle, output, redact)?;
    report_missing_parts(&bundle, &session.token);
    Ok(bundle.exit_code())
}

fn deliver(bundle: &Bundle, output: Option<Target<'_>>, redact: bool) -> Result<(), Failure> {
    let mut value = bundle.to_value();
    if redact {
        export::redact(&mut value);
    }
    let Some(target) = output else {
        return JsonOut::stdout().value(&value).map_err(Failure::output);
    };
    let path = target.path;
    export::write_bundle(path, &value, target.overwrite)
        .map_err(|e| Failure::bad_input(format!("cannot write {}: {e}", path.display())))?;
    let line = format!(
        "wrote {}: {}{}",
        path.display(),
        bundle.counts(),
        if redact { " (redacted)" } else { "" }
    );
    let _ = writeln!(std::io::stderr(), "{}", crate::sanitize::error_line(&line));
    Ok(())
}

fn report_missing_parts(bundle: &Bundle, token: &TokenContext) {
    for error in &bundle.errors {
        let refused = error.status == Some(403);
        let membership = refused.then(|| membership_hint(bundle, token)).flatten();
        Failure {
            code: error.exit_code,
            message: Some(format!("{}: {}", error.part, error.error)),
            hints: vec![
                membership.unwrap_or_else(|| error.hint.clone()),
                format!(
                    "the bundle holds everything else; {} is listed under \"errors\"",
                    error.part
                ),
            ],
        }
        .report();
    }
}

/// For a part refused with 403: what the bundle's own history says about the token's identity
/// (removed on ... by ..., or never a participant).
fn membership_hint(bundle: &Bundle, token: &TokenContext) -> Option<String> {
    let who = token.info.as_ref()?.identity.as_deref()?;
    let data = ThreadData::from_bundle(&bundle.to_value())
        .ok()?
        .fetched_by(Some(who));
    let options = Options {
        as_identity: Some(who.to_string()),
        now: Utc::now(),
    };
    Some(diagnose(&data, &options).refusal_explanation(who))
}

/// Where `-o` puts the bundle, and whether `--force` lets it replace a file.
pub struct Target<'a> {
    path: &'a Path,
    overwrite: Overwrite,
}

impl<'a> Target<'a> {
    pub fn new(path: &'a Path, force: bool) -> Self {
        let overwrite = if force {
            Overwrite::Replace
        } else {
            Overwrite::Refuse
        };
        Self { path, overwrite }
    }

    /// A bundle path must be usable: refused before any request, not after the whole thread was fetched.
    fn check(&self) -> Result<(), Failure> {
        check_target(self.path, self.overwrite)
            .map_err(|e| Failure::bad_input(format!("-o {}: {e}", self.path.display())))
    }
}
