//! The maintenance-window task life cycle, in memory, within AWS's
//! quotas, idempotent by client token as SSM is.

use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;

use generated::runtime::Operation;
use generated::runtime::context::RequestContext;
use generated::runtime::validate::{self, Rejection};
use generated::ssm::error::{DoesNotExistException, IdempotentParameterMismatch, ResourceLimitExceededException};
use generated::ssm::operation::create_maintenance_window::{
    CreateMaintenanceWindowError, CreateMaintenanceWindowRequest, CreateMaintenanceWindowResult,
};
use generated::ssm::operation::deregister_task_from_maintenance_window::{
    DeregisterTaskFromMaintenanceWindowError, DeregisterTaskFromMaintenanceWindowRequest,
    DeregisterTaskFromMaintenanceWindowResult,
};
use generated::ssm::operation::get_maintenance_window_execution_task::{
    GetMaintenanceWindowExecutionTask, GetMaintenanceWindowExecutionTaskError,
    GetMaintenanceWindowExecutionTaskRequest, GetMaintenanceWindowExecutionTaskResult,
};
use generated::ssm::operation::register_task_with_maintenance_window::{
    RegisterTaskWithMaintenanceWindowError, RegisterTaskWithMaintenanceWindowRequest,
    RegisterTaskWithMaintenanceWindowResult,
};
use generated::ssm::service::AmazonSsm;

/// How much the server keeps: AWS's default quotas for Systems Manager
/// (maintenance windows per account, tasks per window), and a bound on
/// the bytes of requests it stores, so that no client can fill its memory.
#[derive(Clone, Copy, Debug)]
pub struct Quotas {
    pub windows: usize,
    pub tasks_per_window: usize,
    /// Counted as the bodies of the requests kept (their `Content-Length`).
    pub stored_bytes: usize,
}

impl Default for Quotas {
    /// 50 windows, 20 tasks each (AWS's defaults), 64 MiB of requests.
    fn default() -> Self {
        Quotas { windows: 50, tasks_per_window: 20, stored_bytes: 64 << 20 }
    }
}

/// An SSM server's state: maintenance windows and their tasks, and the
/// task executions it was seeded with.
pub struct InMemorySsm {
    state: Mutex<State>,
    /// Execution tasks by (window execution id, task execution id).
    executions: BTreeMap<(String, String), GetMaintenanceWindowExecutionTaskResult>,
    quotas: Quotas,
    ids: RandomState,
}

#[derive(Default)]
struct State {
    windows: BTreeMap<String, Window>,
    /// The window each client token created, and the request that created
    /// it (without the token), to tell a retry from a different request.
    client_tokens: BTreeMap<String, (String, CreateMaintenanceWindowRequest)>,
    /// The bytes of the requests kept.
    stored_bytes: usize,
    counter: u64,
}

struct Window {
    tasks: BTreeMap<String, Task>,
    /// The task each client token registered.
    client_tokens: BTreeMap<String, String>,
}

struct Task {
    /// The request that registered it, without its client token.
    request: RegisterTaskWithMaintenanceWindowRequest,
    client_token: Option<String>,
    /// Its share of [`State::stored_bytes`].
    bytes: usize,
}

/// The size a request's body is counted as: its `Content-Length`, or the
/// largest body the server reads when it was not declared.
fn body_size(context: &RequestContext) -> usize {
    let declared = context.headers().get("content-length").and_then(|v| v.to_str().ok()?.parse().ok());
    declared.unwrap_or(generated::runtime::http::DEFAULT_BODY_LIMIT)
}

fn limit_exceeded(message: String) -> ResourceLimitExceededException {
    ResourceLimitExceededException { message: Some(message) }
}

fn mismatch(what: &str) -> IdempotentParameterMismatch {
    IdempotentParameterMismatch {
        message: Some(format!("the client token was used before for a {what} with other parameters")),
    }
}

impl InMemorySsm {
    /// A server that knows the execution tasks in `executions`, a JSON list
    /// of `GetMaintenanceWindowExecutionTask` responses. Each is checked
    /// against the model: one of the wrong shape is an error; one that breaks
    /// a constraint is served as it is, with a warning, since AWS itself
    /// sends such values (the reference page's sample has empty task
    /// parameter values, which the model's length of 1 to 255 forbids).
    pub fn new(executions: &str, quotas: Quotas) -> Result<Self, String> {
        let list: Vec<serde_json::Value> =
            serde_json::from_str(executions).map_err(|e| format!("not a JSON list: {e}"))?;
        let mut by_id = BTreeMap::new();
        for (i, value) in list.into_iter().enumerate() {
            match validate::validate(GetMaintenanceWindowExecutionTask::OUTPUT_SCHEMA, &value) {
                Ok(()) => {}
                Err(Rejection::Invalid(e)) => eprintln!("warning: execution {i} breaks the model's constraints: {e}"),
                Err(Rejection::Malformed(e)) => return Err(format!("execution {i}: {e}")),
            }
            let result: GetMaintenanceWindowExecutionTaskResult =
                serde_json::from_value(value).map_err(|e| format!("execution {i}: {e}"))?;
            let (Some(window), Some(task)) = (result.window_execution_id.clone(), result.task_execution_id.clone())
            else {
                return Err(format!("execution {i} needs WindowExecutionId and TaskExecutionId"));
            };
            by_id.insert((window, task), result);
        }
        Ok(InMemorySsm { state: Mutex::default(), executions: by_id, quotas, ids: RandomState::new() })
    }

    fn random(&self, state: &mut State) -> u64 {
        state.counter += 1;
        let mut hasher = self.ids.build_hasher();
        hasher.write_u64(state.counter);
        hasher.finish()
    }

    /// `mw-` and 17 hex digits.
    fn window_id(&self, state: &mut State) -> String {
        let (a, b) = (self.random(state), self.random(state));
        format!("mw-{:x}{:016x}", a & 0xf, b)
    }

    /// A random (version 4) UUID.
    fn uuid(&self, state: &mut State) -> String {
        let (a, b) = (self.random(state), self.random(state));
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }
}

fn does_not_exist(message: String) -> DoesNotExistException {
    DoesNotExistException { message: Some(message) }
}

impl AmazonSsm for InMemorySsm {
    async fn create_maintenance_window(
        &self,
        context: &RequestContext,
        mut input: CreateMaintenanceWindowRequest,
    ) -> Result<CreateMaintenanceWindowResult, CreateMaintenanceWindowError> {
        let mut state = self.state.lock().unwrap();
        let token = input.client_token.take();
        if let Some((id, earlier)) = token.as_ref().and_then(|token| state.client_tokens.get(token)) {
            // A retry gets the window it created; another request, an error.
            if *earlier != input {
                return Err(mismatch("maintenance window").into());
            }
            return Ok(CreateMaintenanceWindowResult { window_id: Some(id.clone()) });
        }
        if state.windows.len() >= self.quotas.windows {
            let message = format!("the account has {} maintenance windows, its quota", self.quotas.windows);
            return Err(limit_exceeded(message).into());
        }
        let bytes = body_size(context);
        if state.stored_bytes + bytes > self.quotas.stored_bytes {
            return Err(limit_exceeded("the server keeps no more requests".to_string()).into());
        }
        let id = self.window_id(&mut state);
        state.windows.insert(id.clone(), Window { tasks: BTreeMap::new(), client_tokens: BTreeMap::new() });
        if let Some(token) = token {
            state.stored_bytes += bytes;
            state.client_tokens.insert(token, (id.clone(), input));
        }
        Ok(CreateMaintenanceWindowResult { window_id: Some(id) })
    }

    async fn register_task_with_maintenance_window(
        &self,
        context: &RequestContext,
        mut input: RegisterTaskWithMaintenanceWindowRequest,
    ) -> Result<RegisterTaskWithMaintenanceWindowResult, RegisterTaskWithMaintenanceWindowError> {
        let mut state = self.state.lock().unwrap();
        let task_id = self.uuid(&mut state);
        let bytes = body_size(context);
        let room = self.quotas.stored_bytes.saturating_sub(state.stored_bytes);
        let Some(window) = state.windows.get_mut(&input.window_id) else {
            return Err(does_not_exist(format!("Maintenance window {} does not exist", input.window_id)).into());
        };
        let client_token = input.client_token.take();
        if let Some(earlier) = client_token.as_ref().and_then(|token| window.client_tokens.get(token)) {
            // A retry gets the task it registered; another request, an error.
            if window.tasks[earlier].request != input {
                return Err(mismatch("task").into());
            }
            return Ok(RegisterTaskWithMaintenanceWindowResult { window_task_id: Some(earlier.clone()) });
        }
        if window.tasks.len() >= self.quotas.tasks_per_window {
            let message = format!("the window has {} tasks, its quota", self.quotas.tasks_per_window);
            return Err(limit_exceeded(message).into());
        }
        if bytes > room {
            return Err(limit_exceeded("the server keeps no more requests".to_string()).into());
        }
        if let Some(token) = &client_token {
            window.client_tokens.insert(token.clone(), task_id.clone());
        }
        window.tasks.insert(task_id.clone(), Task { request: input, client_token, bytes });
        state.stored_bytes += bytes;
        Ok(RegisterTaskWithMaintenanceWindowResult { window_task_id: Some(task_id) })
    }

    async fn deregister_task_from_maintenance_window(
        &self,
        _context: &RequestContext,
        input: DeregisterTaskFromMaintenanceWindowRequest,
    ) -> Result<DeregisterTaskFromMaintenanceWindowResult, DeregisterTaskFromMaintenanceWindowError> {
        let mut state = self.state.lock().unwrap();
        let Some(window) = state.windows.get_mut(&input.window_id) else {
            return Err(does_not_exist(format!("Maintenance window {} does not exist", input.window_id)).into());
        };
        let Some(task) = window.tasks.remove(&input.window_task_id) else {
            return Err(does_not_exist(format!(
                "Task {} does not exist in maintenance window {}",
                input.window_task_id, input.window_id
            ))
            .into());
        };
        if let Some(token) = &task.client_token {
            window.client_tokens.remove(token);
        }
        state.stored_bytes -= task.bytes;
        Ok(DeregisterTaskFromMaintenanceWindowResult {
            window_id: Some(input.window_id),
            window_task_id: Some(input.window_task_id),
        })
    }

    async fn get_maintenance_window_execution_task(
        &self,
        _context: &RequestContext,
        input: GetMaintenanceWindowExecutionTaskRequest,
    ) -> Result<GetMaintenanceWindowExecutionTaskResult, GetMaintenanceWindowExecutionTaskError> {
        let key = (input.window_execution_id, input.task_id);
        match self.executions.get(&key) {
            Some(result) => Ok(result.clone()),
            None => Err(does_not_exist(format!(
                "Maintenance window execution task {} does not exist in execution {}",
                key.1, key.0
            ))
            .into()),
        }
    }
}
