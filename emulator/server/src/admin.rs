//! What people and tools ask of the emulator itself, beside the services it
//! emulates: which services it runs (`--services`), their health
//! (`GET /_emulator/health`, also at LocalStack's `/_localstack/health`, which
//! test containers and CI scripts wait on), and a fresh start for all or one of
//! them (`POST /_emulator/reset`, `POST /_emulator/reset/s3` or
//! `?service=s3`). Every other request goes to the services.
//!
//! Bucket names cannot begin with `_`, so no S3 path is taken from S3.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use emulator_generated::runtime::ByteStream;
use emulator_generated::runtime::http::{AllowedHosts, HttpResponse, ResponseFuture, Services};

use crate::quota::Budget;

/// A service the emulator can run: its name (LocalStack's, as `--services`,
/// the health check and `AWS_ENDPOINT_URL_<NAME>` spell it) and its Smithy
/// service's shape name, which the runtime's request spans give.
pub struct Known {
    pub name: &'static str,
    pub shape: &'static str,
}

/// Every service the emulator can run, by name.
pub const KNOWN: [Known; 10] = [
    Known { name: "cloudwatch", shape: "GraniteServiceVersion20100801" },
    Known { name: "dynamodb", shape: "DynamoDB_20120810" },
    Known { name: "ec2", shape: "EC2" },
    Known { name: "iam", shape: "AWSIdentityManagementV20100508" },
    Known { name: "logs", shape: "Logs_20140328" },
    Known { name: "s3", shape: "AmazonS3" },
    Known { name: "sns", shape: "AmazonSimpleNotificationService" },
    Known { name: "sqs", shape: "AmazonSQS" },
    Known { name: "ssm", shape: "AmazonSSM" },
    Known { name: "sts", shape: "AWSSecurityTokenServiceV20110615" },
];

/// The name of the service whose shape name is `shape`, if it is one of ours.
pub fn name_of(shape: &str) -> Option<&'static str> {
    KNOWN.iter().find(|known| known.shape == shape).map(|known| known.name)
}

/// The services `--services` lists (`s3,sqs`): each known, none twice.
pub fn parse_services(list: &str) -> Result<Vec<&'static str>, String> {
    let mut chosen = Vec::new();
    for name in list.split(',').map(str::trim).filter(|name| !name.is_empty()) {
        let Some(known) = KNOWN.iter().find(|known| known.name.eq_ignore_ascii_case(name)) else {
            let names: Vec<&str> = KNOWN.iter().map(|known| known.name).collect();
            return Err(format!("--services: no service {:?}; the services are {}", name, names.join(", ")));
        };
        if !chosen.contains(&known.name) {
            chosen.push(known.name);
        }
    }
    if chosen.is_empty() {
        return Err("--services: name at least one service".to_string());
    }
    Ok(chosen)
}

/// A running service: its name, and how to empty it.
pub struct Running {
    pub name: &'static str,
    pub reset: Box<dyn Fn() + Send + Sync>,
}

/// The emulator: the services' router, behind its own endpoints.
#[derive(Clone)]
pub struct Emulator {
    services: Services,
    running: Arc<Vec<Running>>,
    budget: Arc<Budget>,
}

impl Emulator {
    /// The emulator in front of `services`, the `running` ones, whose state
    /// is charged to `budget`.
    pub fn new(services: Services, running: Vec<Running>, budget: Arc<Budget>) -> Self {
        Emulator { services, running: Arc::new(running), budget }
    }

    /// The answer to a request for one of the emulator's own endpoints
    /// (`path` under `/_emulator/` or `/_localstack/`).
    fn admin(&self, method: &http::Method, path: &str, query: Option<&str>) -> HttpResponse {
        let path = path.trim_end_matches('/');
        match (method, path) {
            (&http::Method::GET | &http::Method::HEAD, "/_emulator/health" | "/_localstack/health") => {
                json(200, &self.health())
            }
            (&http::Method::POST, "/_emulator/reset") => {
                let named = query.into_iter().flat_map(|q| q.split('&')).find_map(|p| p.strip_prefix("service="));
                self.reset(named)
            }
            (&http::Method::POST, _) if path.starts_with("/_emulator/reset/") => {
                self.reset(path.strip_prefix("/_emulator/reset/"))
            }
            (_, "/_emulator/health" | "/_localstack/health" | "/_emulator/reset") => {
                json(405, &serde_json::json!({ "error": "method not allowed" }))
            }
            _ => json(404, &serde_json::json!({ "error": "no such endpoint of the emulator's" })),
        }
    }

    /// Each known service, `running` or `disabled` (LocalStack's words), and
    /// what answers.
    fn health(&self) -> serde_json::Value {
        let services: serde_json::Map<String, serde_json::Value> = KNOWN
            .iter()
            .map(|known| {
                let running = self.running.iter().any(|service| service.name == known.name);
                (known.name.to_string(), serde_json::Value::from(if running { "running" } else { "disabled" }))
            })
            .collect();
        serde_json::json!({
            "services": services,
            "edition": "community",
            "version": env!("CARGO_PKG_VERSION"),
            "emulator": "awsgen",
            "state": {"bytes": self.budget.used(), "limit": self.budget.limit()},
        })
    }

    /// Empties the running service `named`, or all of them.
    fn reset(&self, named: Option<&str>) -> HttpResponse {
        let chosen: Vec<&Running> = match named {
            None => self.running.iter().collect(),
            Some(name) => match self.running.iter().find(|service| service.name == name) {
                Some(service) => vec![service],
                // The name is not repeated: it is the client's text.
                None => return json(400, &serde_json::json!({ "error": "no running service of that name" })),
            },
        };
        for service in &chosen {
            (service.reset)();
        }
        let names: Vec<&str> = chosen.iter().map(|service| service.name).collect();
        tracing::info!(services = ?names, "reset");
        json(200, &serde_json::json!({ "reset": names }))
    }
}

/// A JSON response.
fn json(status: u16, body: &serde_json::Value) -> HttpResponse {
    let mut response = http::Response::new(ByteStream::from(body.to_string()));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    response
}

/// Whether the request names a host the server answers, as the services'
/// routers require: no web page reaches the reset through DNS rebinding.
fn allowed<B>(request: &http::Request<B>) -> bool {
    let host = request.headers().get(http::header::HOST).and_then(|host| host.to_str().ok());
    let host = host.or(request.uri().authority().map(|authority| authority.as_str()));
    match (host, request.extensions().get::<AllowedHosts>()) {
        (Some(host), Some(allowed)) => allowed.allows(host),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// The links SNS puts in its messages (a confirmation's `SubscribeURL`, a
/// notification's `UnsubscribeURL`) are visited without credentials, which
/// is how the one port tells awsQuery services apart: such a GET is scoped
/// to SNS here, as if signed for it (the emulator checks no signatures).
fn to_sns_if_a_link<B>(request: &mut http::Request<B>) {
    const LINKS: [&str; 2] = ["Action=ConfirmSubscription", "Action=Unsubscribe"];
    let link = request.method() == http::Method::GET
        && request.uri().path() == "/"
        && request.uri().query().is_some_and(|query| query.split('&').any(|pair| LINKS.contains(&pair)));
    if link && !request.headers().contains_key(http::header::AUTHORIZATION) {
        let scope = "AWS4-HMAC-SHA256 Credential=anonymous/20000101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=0";
        request.headers_mut().insert(http::header::AUTHORIZATION, http::HeaderValue::from_static(scope));
    }
}

/// Whether `path` is one of the emulator's own.
fn is_admin(path: &str) -> bool {
    path.starts_with("/_emulator/") || path.starts_with("/_localstack/")
}

impl<B> tower_service::Service<http::Request<B>> for Emulator
where
    Services:
        tower_service::Service<http::Request<B>, Response = HttpResponse, Error = Infallible, Future = ResponseFuture>,
{
    type Response = HttpResponse;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: http::Request<B>) -> ResponseFuture {
        to_sns_if_a_link(&mut request);
        if is_admin(request.uri().path()) {
            let response = if allowed(&request) {
                self.admin(request.method(), request.uri().path(), request.uri().query())
            } else {
                json(403, &serde_json::json!({ "error": "the request's host is not one the emulator answers" }))
            };
            return Box::pin(std::future::ready(Ok(response)));
        }
        self.services.call(request)
    }
}
