//! `cargo run -p emulator -- --port 4566`: DynamoDB, SQS, Systems Manager's
//! Parameter Store, S3, SNS, STS, IAM users, EC2's regions, CloudWatch and
//! CloudWatch Logs (live tails included) on one port of loopback, in memory,
//! a few operations of each.
//!
//! DynamoDB, SQS, S3, SNS, STS, IAM and EC2 come from one crate generated
//! from AWS's models (`emulator-generated`), SSM from another generated
//! separately (the repository's `generated`). All share the runtime crate's
//! types and server; `runtime::http::Services` routes each request by its
//! `X-Amz-Target` prefix (the JSON services), for the query ones (SNS, STS,
//! IAM, EC2) by the service its SigV4 credentials are scoped to, and the
//! rest to S3 (restXml), as LocalStack does on its one port.

mod cloudwatch;
mod dynamodb;
mod ec2;
mod iam;
mod ids;
mod logs;
mod s3;
mod s3_select;
mod sns;
mod sqs;
mod ssm;
mod sts;

use std::process::ExitCode;
use std::time::SystemTime;

use emulator_generated::runtime::Timestamp;
use emulator_generated::runtime::http::Services;
use emulator_generated::runtime::protocol::rpc_v2_cbor::RpcV2Cbor;
use example_launch::{CommandLine, Options};

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
use s3::S3;
use sns::Sns;
use sqs::Sqs;
use ssm::Ssm;
use sts::Sts;

/// The account every resource belongs to.
const ACCOUNT_ID: &str = "000000000000";
/// The region in ARNs.
const REGION: &str = "us-east-1";

const USAGE: &str = "\
usage: emulator [--port PORT] [--host HOST] [--allow-host NAME ...]

  --port PORT        the port to listen on (default 4566; 0 picks a free one)
  --host HOST        the address to listen on (default 127.0.0.1)
  --allow-host NAME  answer requests for this host name or address too
                     (repeatable); by default only loopback ones are answered,
                     so that no web page can call the emulator through DNS
                     rebinding

Prints `emulator listening on http://<address>`, then serves DynamoDB, SQS,
SSM, S3, SNS, STS, IAM, EC2, CloudWatch and CloudWatch Logs there until Ctrl-C.";

fn main() -> ExitCode {
    // It authenticates no one: loopback hosts only, and those allowed.
    let command_line = CommandLine { usage: USAGE, sigv4: false };
    match command_line.parse(std::env::args_os().skip(1), Options::on_port(4566), |_, _| Ok(false)) {
        Ok(options) => example_launch::run("emulator", options, |url| {
            // CloudWatch speaks three protocols: one router, added for each.
            let cloudwatch = GraniteServiceVersion20100801Router::new(CloudWatch::new());
            Services::new()
                .with(cloudwatch.clone())
                .with_query(cloudwatch.clone())
                .with_rpc_v2::<RpcV2Cbor, _>(cloudwatch)
                .with(DynamoDb20120810Router::new(DynamoDb::new()))
                .with(AmazonSqsRouter::new(Sqs::new(url.to_string())))
                .with(AmazonSsmRouter::new(Ssm::new()))
                .with(Logs20140328Router::new(Logs::new()))
                .with_query(AwsSecurityTokenServiceV20110615Router::new(Sts::new()))
                .with_query(AwsIdentityManagementV20100508Router::new(Iam::new()))
                .with_query(AmazonSimpleNotificationServiceRouter::new(Sns::new()))
                .with_query(Ec2Router::new(Ec2))
                .with_rest(AmazonS3Router::new(S3::new()))
        }),
        Err(code) => code,
    }
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
