//! The benchmarks' fixtures are what they claim to be: the valid requests
//! and the response pass validation, the invalid ones do not.

use benchmarks::{DEREGISTER, DEREGISTER_INVALID, GET_TASK, GET_TASK_INVALID, GET_TASK_RESPONSE};
use generated::runtime::Operation;
use generated::runtime::validate::{Rejection, parse};
use generated::ssm::operation::deregister_task_from_maintenance_window::{
    DeregisterTaskFromMaintenanceWindow, DeregisterTaskFromMaintenanceWindowRequest,
};
use generated::ssm::operation::get_maintenance_window_execution_task::{
    GetMaintenanceWindowExecutionTask, GetMaintenanceWindowExecutionTaskRequest,
    GetMaintenanceWindowExecutionTaskResult,
};

#[test]
fn valid_fixtures_pass_and_invalid_ones_do_not() {
    let get = GetMaintenanceWindowExecutionTask::INPUT_SCHEMA;
    let deregister = DeregisterTaskFromMaintenanceWindow::INPUT_SCHEMA;
    parse::<GetMaintenanceWindowExecutionTaskRequest>(get, GET_TASK).unwrap();
    parse::<DeregisterTaskFromMaintenanceWindowRequest>(deregister, DEREGISTER).unwrap();
    parse::<GetMaintenanceWindowExecutionTaskResult>(
        GetMaintenanceWindowExecutionTask::OUTPUT_SCHEMA,
        GET_TASK_RESPONSE,
    )
    .unwrap();
    for invalid in [
        parse::<GetMaintenanceWindowExecutionTaskRequest>(get, GET_TASK_INVALID).map(drop),
        parse::<DeregisterTaskFromMaintenanceWindowRequest>(deregister, DEREGISTER_INVALID).map(drop),
    ] {
        assert!(matches!(invalid, Err(Rejection::Invalid(_))), "{invalid:?}");
    }
}
