//! What the benchmarks in `benches/` share: the request and response bodies
//! they read (see `fixtures/README.md` for where each comes from).

/// A valid GetMaintenanceWindowExecutionTask request.
pub const GET_TASK: &[u8] = include_bytes!("../fixtures/GetMaintenanceWindowExecutionTask.request.json");
/// The seed page's GetMaintenanceWindowExecutionTask request, as printed: invalid.
pub const GET_TASK_INVALID: &[u8] =
    include_bytes!("../fixtures/GetMaintenanceWindowExecutionTask.invalid-request.json");
/// A valid DeregisterTaskFromMaintenanceWindow request.
pub const DEREGISTER: &[u8] = include_bytes!("../fixtures/DeregisterTaskFromMaintenanceWindow.request.json");
/// The seed page's DeregisterTaskFromMaintenanceWindow request, as printed: invalid.
pub const DEREGISTER_INVALID: &[u8] =
    include_bytes!("../fixtures/DeregisterTaskFromMaintenanceWindow.invalid-request.json");
/// The seed page's GetMaintenanceWindowExecutionTask response, made valid.
pub const GET_TASK_RESPONSE: &[u8] = include_bytes!("../fixtures/GetMaintenanceWindowExecutionTask.response.json");
