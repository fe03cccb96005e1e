//! The benchmarks' fixtures are what they claim to be: the valid requests
//! and the response pass validation, the invalid ones do not.

use generated::runtime::Operation;
use generated::runtime::validate::{Rejection, parse};
use generated::ssm::operation::deregister_task_from_maintenance_window::{
    DeregisterTaskFromMaintenanceWindow, DeregisterTaskFromMaintenanceWindowRequest,
};
use generated::ssm::operation::get_maintenance_window_execution_task::{
    GetMaintenanceWindowExecutionTask, GetMaintenanceWindowExecutionTaskRequest,
    GetMaintenanceWindowExecutionTaskResult,
};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn valid_fixtures_pass_and_invalid_ones_do_not() {
    let get = GetMaintenanceWindowExecutionTask::INPUT_SCHEMA;
    let deregister = DeregisterTaskFromMaintenanceWindow::INPUT_SCHEMA;
    parse::<GetMaintenanceWindowExecutionTaskRequest>(get, &fixture("GetMaintenanceWindowExecutionTask.request"))
        .unwrap();
    parse::<DeregisterTaskFromMaintenanceWindowRequest>(
        deregister,
        &fixture("DeregisterTaskFromMaintenanceWindow.request"),
    )
    .unwrap();
    parse::<GetMaintenanceWindowExecutionTaskResult>(
        GetMaintenanceWindowExecutionTask::OUTPUT_SCHEMA,
        &fixture("GetMaintenanceWindowExecutionTask.response"),
    )
    .unwrap();
    for invalid in [
        parse::<GetMaintenanceWindowExecutionTaskRequest>(
            get,
            &fixture("GetMaintenanceWindowExecutionTask.invalid-request"),
        )
        .map(drop),
        parse::<DeregisterTaskFromMaintenanceWindowRequest>(
            deregister,
            &fixture("DeregisterTaskFromMaintenanceWindow.invalid-request"),
        )
        .map(drop),
    ] {
        assert!(matches!(invalid, Err(Rejection::Invalid(_))), "{invalid:?}");
    }
}
