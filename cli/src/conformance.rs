//! `conformance`: Smithy's suites against an awsgen clone's conformance
//! crates, run as that clone's `conformance` binary (so the command line
//! never depends on generated code it may need to regenerate).

use std::env;
use std::process::{Command, ExitCode};

use crate::{Context, exit};

pub fn conformance(context: &Context) -> ExitCode {
    let Some(root) = &context.workspace else {
        eprintln!(
            "error: conformance runs in a clone of awsgen (it builds the crates generated from Smithy's suites \
             there); run it from inside one"
        );
        return ExitCode::from(exit::USAGE);
    };
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo).args(["run", "--quiet", "--package", "conformance"]).current_dir(root).status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(exit::FAILED),
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::from(exit::IO)
        }
    }
}
