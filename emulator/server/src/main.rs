//! `cargo run -p emulator -- --port 4566`: DynamoDB, SQS, Systems Manager's
//! Parameter Store, S3, SNS, STS, IAM users, EC2's regions, CloudWatch and
//! CloudWatch Logs (live tails included) on one port of loopback: S3, SQS,
//! SNS, DynamoDB and SSM's Parameter Store in depth and a few operations of
//! each other service, with AWS's limits, in memory (bounded by
//! `--max-state-bytes`) or on disk with `--data-dir`; `--services s3,sqs`
//! runs some of them.
//!
//! DynamoDB, SQS, S3, SNS, STS, IAM and EC2 come from one crate generated
//! from AWS's models (`emulator-generated`), SSM from another generated
//! separately (the repository's `generated`). All share the runtime crate's
//! types and server; `runtime::http::Services` routes each request by its
//! `X-Amz-Target` prefix (the JSON services), for the query ones (SNS, STS,
//! IAM, EC2) by the service its SigV4 credentials are scoped to, and the
//! rest to S3 (restXml), as LocalStack does on its one port. In front of it,
//! the emulator's own endpoints ([`admin`]: health, reset) and its log of
//! calls ([`log`]).

/// mimalloc, not glibc's malloc: see the emulator's Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod admin;
mod cloudwatch;
mod dynamodb;
mod ec2;
mod file_body;
mod iam;
mod ids;
mod log;
mod logs;
mod quota;
mod s3;
mod s3_config;
mod s3_multipart;
mod s3_select;
mod s3_versions;
mod sns;
mod sqs;
mod ssm;
mod store;
mod sts;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::SystemTime;

use emulator_generated::runtime::Timestamp;
use emulator_generated::runtime::http::Services;
use emulator_generated::runtime::protocol::rpc_v2_cbor::RpcV2Cbor;
use example_launch::{CommandLine, Options};

use admin::{Emulator, KNOWN, Running};
use cloudwatch::CloudWatch;
use dynamodb::DynamoDb;
use ec2::Ec2;
use emulator_generated::cloudwatch::service::GraniteServiceVersion20100801Router;
use emulator_generated::dynamodb::service::DynamoDb20120810Router;
use emulator_generated::ec2::service::Ec2Router;
use emulator_generated::iam::service::AwsIdentityManagementV20100508Router;
use emulator_generated::logs::service::Logs20140328Router;
use emulator_generated::s3::service::AmazonS3Router;
use emulator_generated::sns::service::AmazonSimpleNotificationServiceRouter;
use emulator_generated::sqs::service::AmazonSqsRouter;
use emulator_generated::sts::service::AwsSecurityTokenServiceV20110615Router;
use generated::ssm::service::AmazonSsmRouter;
use iam::Iam;
use logs::Logs;
use quota::Budget;
use s3::S3;
use sns::Sns;
use sqs::Sqs;
use ssm::Ssm;
use store::Store;
use sts::Sts;

/// The account every resource belongs to.
const ACCOUNT_ID: &str = "000000000000";
/// The region in ARNs.
const REGION: &str = "us-east-1";

const USAGE: &str = "\
usage: emulator [--port PORT] [--host HOST] [--allow-host NAME ...]
                [--services NAME,...]

  --port PORT        the port to listen on (default 4566; 0 picks a free one)
  --host HOST        the address to listen on (default 127.0.0.1)
  --allow-host NAME  answer requests for this host name or address too
                     (repeatable); by default only loopback ones are answered,
                     so that no web page can call the emulator through DNS
                     rebinding
  --services NAMES   run only these services (comma-separated: cloudwatch,
                     dynamodb, ec2, iam, logs, s3, sns, sqs, ssm, sts); by
                     default all of them
  --data-dir DIR     keep state in DIR (made if need be) and read back what an
                     earlier run left there: every service's state (tables and
                     items, buckets and objects, queues and messages,
                     parameters, topics, users, metrics and alarms, log
                     groups and events) survives a restart, a kill -9 or a
                     power cut once acknowledged; without it, state is in
                     memory
  --max-state-bytes SIZE
                     keep at most SIZE of state in memory (messages, items,
                     parameters, events; bytes, or with KiB, MiB or GiB;
                     default 1GiB): past it, calls that would keep more are
                     refused with an error that names this flag

Prints `emulator listening on http://<address>`, what it serves there and
`Ready.`, then serves until Ctrl-C or SIGTERM. Its own endpoints:
GET /_emulator/health (also /_localstack/health) and POST /_emulator/reset
(all services, or /_emulator/reset/<name>). Logs a line per call to stderr;
RUST_LOG filters (default info).";

fn main() -> ExitCode {
    // It authenticates no one: loopback hosts only, and those allowed.
    let command_line = CommandLine { usage: USAGE, sigv4: false };
    let mut chosen: Option<Vec<&'static str>> = None;
    let mut data_dir: Option<PathBuf> = None;
    let mut state_bytes = quota::DEFAULT_STATE_BYTES;
    let parsed = command_line.parse(std::env::args_os().skip(1), Options::on_port(4566), |flag, parser| {
        match flag {
            "services" => chosen = Some(admin::parse_services(&example_launch::value(parser)?)?),
            "data-dir" => data_dir = Some(PathBuf::from(example_launch::value(parser)?)),
            "max-state-bytes" => {
                state_bytes = quota::parse_size(&example_launch::value(parser)?)
                    .map_err(|e| format!("--max-state-bytes: {e}"))?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    });
    let options = match parsed {
        Ok(options) => options,
        Err(code) => return code,
    };
    let chosen = chosen.unwrap_or_else(|| KNOWN.iter().map(|known| known.name).collect());
    log::init();
    let store = match &data_dir {
        Some(dir) => match Store::open(dir) {
            Ok(store) => store,
            Err(e) => {
                eprintln!("error: --data-dir {}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
        },
        None => Store::memory(),
    };
    // What an earlier run left is read before the server listens.
    let state = match State::load(Arc::new(store), Budget::new(state_bytes)) {
        Ok(state) => state,
        Err(e) => {
            eprintln!("error: --data-dir: {e}");
            return ExitCode::FAILURE;
        }
    };
    let names = chosen.clone();
    let mut state = Some(state);
    example_launch::run_announced(
        "emulator",
        options,
        |url| emulator(url, &chosen, state.take().expect("made once")),
        |url| announce(url, &names, data_dir.as_deref()),
    )
}

/// The services whose state is kept in the store, read back from it.
struct State {
    budget: Arc<Budget>,
    cloudwatch: CloudWatch,
    dynamodb: DynamoDb,
    iam: Iam,
    logs: Logs,
    sns: Sns,
    s3: S3,
    sqs: Sqs,
    ssm: Ssm,
}

impl State {
    fn load(store: Arc<Store>, budget: Arc<Budget>) -> Result<State, store::StoreError> {
        // SNS delivers to the queues of the same SQS.
        let sqs = Sqs::new(store.clone(), budget.clone())?;
        Ok(State {
            cloudwatch: CloudWatch::new(store.clone(), budget.clone())?,
            iam: Iam::new(store.clone())?,
            logs: Logs::new(store.clone(), budget.clone())?,
            sns: Sns::new(store.clone(), sqs.clone())?,
            dynamodb: DynamoDb::new(store.clone(), budget.clone())?,
            s3: S3::new(store.clone(), budget.clone())?,
            sqs,
            ssm: Ssm::new(store, budget.clone())?,
            budget,
        })
    }
}

/// The emulator at `url`, running the services `chosen` names, with the
/// state `state` read.
fn emulator(url: &str, chosen: &[&'static str], state: State) -> Emulator {
    let mut services = Services::new();
    let mut running = Vec::new();
    let on = |name: &str| chosen.contains(&name);
    // Each router is kept twice: in the services, and to reset its service.
    macro_rules! run {
        ($name:literal, $router:expr, $with:ident $(::<$protocol:ty, _>)?) => {
            if on($name) {
                let router = $router;
                let kept = router.clone();
                running.push(Running { name: $name, reset: Box::new(move || kept.service().reset()) });
                services = services.$with $(::<$protocol, _>)? (router);
            }
        };
    }
    if on("cloudwatch") {
        // CloudWatch speaks three protocols: one router, added for each.
        let cloudwatch = GraniteServiceVersion20100801Router::new(state.cloudwatch);
        let kept = cloudwatch.clone();
        running.push(Running { name: "cloudwatch", reset: Box::new(move || kept.service().reset()) });
        services =
            services.with(cloudwatch.clone()).with_query(cloudwatch.clone()).with_rpc_v2::<RpcV2Cbor, _>(cloudwatch);
    }
    run!("dynamodb", DynamoDb20120810Router::new(state.dynamodb), with);
    state.sqs.set_endpoint(url);
    state.sns.set_endpoint(url);
    run!("sqs", AmazonSqsRouter::new(state.sqs), with);
    run!("ssm", AmazonSsmRouter::new(state.ssm), with);
    run!("logs", Logs20140328Router::new(state.logs), with);
    run!("sts", AwsSecurityTokenServiceV20110615Router::new(Sts::new()), with_query);
    run!("iam", AwsIdentityManagementV20100508Router::new(state.iam), with_query);
    run!("sns", AmazonSimpleNotificationServiceRouter::new(state.sns), with_query);
    run!("ec2", Ec2Router::new(Ec2), with_query);
    run!("s3", AmazonS3Router::new(state.s3), with_rest);
    running.sort_by_key(|service| service.name);
    Emulator::new(services, running, state.budget)
}

/// What the emulator says once it listens at `url`, after the `listening
/// on` line: its services, its own endpoints, how SDKs find it, and
/// `Ready.` (which LocalStack prints, and test containers wait for).
/// A reader that has gone (a script that read the first line and closed the
/// pipe) does not stop the emulator: what it would have read is dropped.
fn announce(url: &str, services: &[&str], data_dir: Option<&std::path::Path>) {
    use std::io::Write as _;

    let mut services = services.to_vec();
    services.sort_unstable();
    let state = match data_dir {
        Some(dir) => format!("in {} (every service's; STS and EC2 keep none)", dir.display()),
        None => "in memory".to_string(),
    };
    let text = format!(
        "  services: {}\n  endpoint: {url} for every service (AWS_ENDPOINT_URL={url})\n  health:   GET \
         {url}/_emulator/health (also /_localstack/health)\n  reset:    POST {url}/_emulator/reset (or \
         /_emulator/reset/<service>)\n  state:    {state}\nReady.\n",
        services.join(", ")
    );
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}

/// Now, for the timestamps of every service: DynamoDB's (from
/// `emulator-generated`) and SSM's (from `generated`) are the runtime's one
/// `Timestamp` type.
fn now() -> Option<Timestamp> {
    Timestamp::try_from(SystemTime::now()).ok()
}

#[cfg(test)]
mod tests {
    use std::any::TypeId;

    use super::*;

    /// The names `--services` and the health check use are those of the
    /// services the routers serve, as the runtime's request spans name them.
    #[test]
    fn every_known_service_is_a_router_of_the_emulator() {
        use emulator_generated::runtime::protocol::{aws_json, aws_query, rest};

        let (memory, budget) = (Arc::new(Store::memory()), Budget::new(1));

        let shapes = [
            aws_json::Dispatch::target_prefix(&GraniteServiceVersion20100801Router::new(
                CloudWatch::new(memory.clone(), budget.clone()).unwrap(),
            )),
            aws_json::Dispatch::target_prefix(&DynamoDb20120810Router::new(
                DynamoDb::new(memory.clone(), budget.clone()).unwrap(),
            )),
            aws_query::Dispatch::service_name(&Ec2Router::new(Ec2)),
            aws_query::Dispatch::service_name(&AwsIdentityManagementV20100508Router::new(
                Iam::new(memory.clone()).unwrap(),
            )),
            aws_json::Dispatch::target_prefix(&Logs20140328Router::new(
                Logs::new(memory.clone(), budget.clone()).unwrap(),
            )),
            rest::Dispatch::service_name(&AmazonS3Router::new(S3::new(memory.clone(), budget.clone()).unwrap())),
            aws_query::Dispatch::service_name(&AmazonSimpleNotificationServiceRouter::new(
                Sns::new(memory.clone(), Sqs::new(memory.clone(), budget.clone()).unwrap()).unwrap(),
            )),
            aws_json::Dispatch::target_prefix(&AmazonSqsRouter::new(Sqs::new(memory.clone(), budget.clone()).unwrap())),
            aws_json::Dispatch::target_prefix(&AmazonSsmRouter::new(Ssm::new(memory.clone(), budget.clone()).unwrap())),
            aws_query::Dispatch::service_name(&AwsSecurityTokenServiceV20110615Router::new(Sts::new())),
        ];
        let known: Vec<&str> = KNOWN.iter().map(|known| known.shape).collect();
        assert_eq!(known, shapes);
        assert_eq!(admin::parse_services("s3, SQS,s3"), Ok(vec!["s3", "sqs"]));
        assert!(admin::parse_services("s3,lambda").unwrap_err().contains("the services are cloudwatch, dynamodb"));
        assert!(admin::parse_services(",").is_err());
    }

    /// The two generated crates re-export one runtime: a value made with one
    /// crate's types is the other's, so one server and one handler can serve
    /// both (`now` above already relies on it at compile time).
    #[test]
    fn separately_generated_crates_share_the_runtime_types() {
        use emulator_generated::runtime as emulator;
        use generated::runtime as ssm;
        assert_eq!(TypeId::of::<ssm::Timestamp>(), TypeId::of::<emulator::Timestamp>());
        assert_eq!(TypeId::of::<ssm::Blob>(), TypeId::of::<emulator::Blob>());
        assert_eq!(TypeId::of::<ssm::UnmodelledError>(), TypeId::of::<emulator::UnmodelledError>());
        assert_eq!(
            TypeId::of::<ssm::validate::ValidationException>(),
            TypeId::of::<emulator::validate::ValidationException>()
        );
        assert_eq!(TypeId::of::<ssm::context::RequestContext>(), TypeId::of::<emulator::context::RequestContext>());
        assert_eq!(TypeId::of::<ssm::http::Services>(), TypeId::of::<emulator::http::Services>());
    }
}
