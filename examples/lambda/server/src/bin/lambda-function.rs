//! `lambda-function`: the Lambda example's service (`src/store.rs`, the
//! same as `lambda-server`'s) as an AWS Lambda function, behind an API
//! Gateway REST API, an HTTP API or a function URL. The generated router
//! is run unchanged by `awsgen_runtime::lambda::run`.
//!
//! Its state is the process's memory, as `lambda-server`'s is: each of
//! Lambda's execution environments has its own, lost when Lambda retires
//! it, so functions created through one are unknown to the others. It is
//! an example of serving a router from Lambda, not a store to rely on.
//!
//! Outside Lambda it runs under a Runtime API emulator:
//! `tests/function.rs` runs it under `cargo lambda watch`.

// The server binary uses more of the store than the function does.
#[allow(dead_code)]
#[path = "../store.rs"]
mod store;

use std::process::ExitCode;

use lambda_generated::lambda::service::AwsGirApiServiceRouter;

#[tokio::main]
async fn main() -> ExitCode {
    let router = AwsGirApiServiceRouter::new(store::InMemoryLambda::default());
    match awsgen_runtime::lambda::run(router).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lambda-function: {e}");
            ExitCode::FAILURE
        }
    }
}
