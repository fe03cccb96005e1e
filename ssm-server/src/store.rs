//! The maintenance-window task life cycle, in memory.

use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;

use generated::runtime::Operation;
use generated::runtime::context::RequestContext;
use generated::runtime::validate::{self, Rejection};
use generated::ssm::error::DoesNotExistException;
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

/// An SSM server's state: maintenance windows and their tasks, and the
/// task executions it was seeded with.
pub struct InMemorySsm {
    state: Mutex<State>,
    /// Execution tasks by (window execution id, task execution id).
    executions: BTreeMap<(String, String), GetMaintenanceWindowExecutionTaskResult>,
    ids: RandomState,
}

#[derive(Default)]
struct State {
    windows: BTreeMap<String, Window>,
    /// Window ids by the client token that created them.
    client_tokens: BTreeMap<String, String>,
    counter: u64,
}

struct Window {
    tasks: BTreeMap<String, RegisterTaskWithMaintenanceWindowRequest>,
}

impl InMemorySsm {
    /// A server that knows the execution tasks in `executions`, a JSON list
    /// of `GetMaintenanceWindowExecutionTask` responses. Each is checked
    /// against the model: one of the wrong shape is an error; one that breaks
    /// a constraint is served as it is, with a warning, since AWS itself
    /// sends such values (the reference page's sample has empty task
    /// parameter values, which the model's length of 1 to 255 forbids).
    pub fn new(executions: &str) -> Result<Self, String> {
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
        Ok(InMemorySsm { state: Mutex::default(), executions: by_id, ids: RandomState::new() })
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
        _context: &RequestContext,
        input: CreateMaintenanceWindowRequest,
    ) -> Result<CreateMaintenanceWindowResult, CreateMaintenanceWindowError> {
        let mut state = self.state.lock().unwrap();
        if let Some(id) = input.client_token.as_ref().and_then(|token| state.client_tokens.get(token)) {
            return Ok(CreateMaintenanceWindowResult { window_id: Some(id.clone()) });
        }
        let id = self.window_id(&mut state);
        state.windows.insert(id.clone(), Window { tasks: BTreeMap::new() });
        if let Some(token) = input.client_token {
            state.client_tokens.insert(token, id.clone());
        }
        Ok(CreateMaintenanceWindowResult { window_id: Some(id) })
    }

    async fn register_task_with_maintenance_window(
        &self,
        _context: &RequestContext,
        input: RegisterTaskWithMaintenanceWindowRequest,
    ) -> Result<RegisterTaskWithMaintenanceWindowResult, RegisterTaskWithMaintenanceWindowError> {
        let mut state = self.state.lock().unwrap();
        let task_id = self.uuid(&mut state);
        let Some(window) = state.windows.get_mut(&input.window_id) else {
            return Err(does_not_exist(format!("Maintenance window {} does not exist", input.window_id)).into());
        };
        window.tasks.insert(task_id.clone(), input);
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
        if window.tasks.remove(&input.window_task_id).is_none() {
            return Err(does_not_exist(format!(
                "Task {} does not exist in maintenance window {}",
                input.window_task_id, input.window_id
            ))
            .into());
        }
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
