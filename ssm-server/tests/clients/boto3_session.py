"""Drives ssm-server with boto3: the maintenance-window task life cycle,
errors as a real client sees them, and a burst of concurrent clients.
Usage: python3 boto3_session.py ENDPOINT_URL"""

import re
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = sys.argv[1]
CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"})


def client():
    return boto3.client(
        "ssm", endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test", config=CONFIG,
    )


def error_of(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError(f"{call.__name__} succeeded")


ssm = client()

# Life cycle.
window = ssm.create_maintenance_window(
    Name="nightly-patching", Schedule="cron(0 2 ? * SUN *)", Duration=2, Cutoff=1,
    AllowUnassociatedTargets=True, ClientToken="token-1",
)["WindowId"]
assert re.fullmatch(r"mw-[0-9a-f]{17}", window), window
again = ssm.create_maintenance_window(
    Name="nightly-patching", Schedule="cron(0 2 ? * SUN *)", Duration=2, Cutoff=1,
    AllowUnassociatedTargets=True, ClientToken="token-1",
)["WindowId"]
assert again == window, "the same client token gives the same window"

task = ssm.register_task_with_maintenance_window(
    WindowId=window, TaskArn="AWS-RunPatchBaseline", TaskType="RUN_COMMAND",
    Targets=[{"Key": "WindowTargetIds", "Values": ["e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE"]}],
    MaxConcurrency="2", MaxErrors="1", Priority=1,
    TaskInvocationParameters={"RunCommand": {"Parameters": {"Operation": ["Install"]}, "TimeoutSeconds": 600}},
)["WindowTaskId"]
assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", task), task

removed = ssm.deregister_task_from_maintenance_window(WindowId=window, WindowTaskId=task)
assert (removed["WindowId"], removed["WindowTaskId"]) == (window, task), removed
code, message, status = error_of(ssm.deregister_task_from_maintenance_window, WindowId=window, WindowTaskId=task)
assert (code, status) == ("DoesNotExistException", 400), (code, status)
assert message == f"Task {task} does not exist in maintenance window {window}", message

# Reading back a seeded execution: every member of the seed response.
execution = ssm.get_maintenance_window_execution_task(
    WindowExecutionId="b40a588d-32a7-4ea7-9a6b-b4ef436a1b2c", TaskId="0c9ac961-dafd-4a94-b6c7-1bef3a1b2c3d",
)
for member in ["WindowExecutionId", "TaskExecutionId", "TaskArn", "ServiceRole", "Type", "TaskParameters", "Priority",
               "MaxConcurrency", "MaxErrors", "Status", "StatusDetails", "StartTime", "EndTime", "AlarmConfiguration",
               "TriggeredAlarms"]:
    assert member in execution, member
assert execution["TaskParameters"][0]["aws:InstanceId"]["Values"][2] == "i-07782c72fa0123456"
assert execution["StartTime"].timestamp() == 1722797135.088, execution["StartTime"]
assert execution["TriggeredAlarms"] == [{"Name": "patch-errors", "State": "UNKNOWN"}]
code, _, _ = error_of(ssm.get_maintenance_window_execution_task,
                      WindowExecutionId="b40a588d-32a7-4ea7-9a6b-b4ef436a1b2d", TaskId="0c9ac961-dafd-4a94-b6c7-1bef3a1b2c3d")
assert code == "DoesNotExistException", code
code, _, _ = error_of(ssm.register_task_with_maintenance_window,
                      WindowId="mw-00000000000000000", TaskArn="x", TaskType="LAMBDA")
assert code == "DoesNotExistException", code

# A value botocore does not check (a pattern) is refused by the server.
code, message, status = error_of(ssm.deregister_task_from_maintenance_window,
                                 WindowId="mw-0c50858d01EXAMPLE", WindowTaskId=task)
assert (code, status) == ("ValidationException", 400), (code, status)
assert message == ("1 validation error detected. Value at '/WindowId' failed to satisfy constraint: "
                   "Member must satisfy regular expression pattern: ^mw-[0-9a-f]{17}$"), message


# A burst of concurrent clients, each with its own connection.
def create(i):
    return client().create_maintenance_window(
        Name=f"burst-{i}", Schedule="rate(1 day)", Duration=1, Cutoff=0, AllowUnassociatedTargets=False,
    )["WindowId"]


with ThreadPoolExecutor(max_workers=16) as pool:
    ids = list(pool.map(create, range(64)))
assert len(set(ids)) == 64, "every window is distinct"
print("boto3 session: ok")
