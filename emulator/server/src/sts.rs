//! Security Token Service: who the caller is, and roles assumed.
//!
//! Served: GetCallerIdentity (the emulator's account, and the caller's
//! access key id as AWS shows an IAM user's) and AssumeRole (temporary
//! credentials, valid for the requested duration); every other operation
//! answers `NotImplemented` from the generated router.

use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::{DateTime, Timestamp};
use emulator_generated::sts::operation::assume_role::{AssumeRoleError, AssumeRoleRequest, AssumeRoleResponse};
use emulator_generated::sts::operation::get_caller_identity::{
    GetCallerIdentityError, GetCallerIdentityRequest, GetCallerIdentityResponse,
};
use emulator_generated::sts::service::AwsSecurityTokenServiceV20110615;
use emulator_generated::sts::types::{AssumedRoleUser, Credentials};

use crate::ACCOUNT_ID;
use crate::ids::Ids;

pub struct Sts {
    ids: Ids,
}

impl Sts {
    pub fn new() -> Self {
        Sts { ids: Ids::new() }
    }

    /// STS keeps nothing to forget: its credentials are made up per call.
    pub fn reset(&self) {}

    /// A random id of `prefix` and 16 upper-case letters and digits, as
    /// AWS's access key and role ids look.
    fn id(&self, prefix: &str) -> String {
        let digits: String = self.ids.uuid().chars().filter(char::is_ascii_alphanumeric).take(16).collect();
        format!("{prefix}{}", digits.to_ascii_uppercase())
    }
}

/// The access key id of the request's SigV4 `Authorization`, if it has one.
fn access_key(context: &RequestContext) -> Option<String> {
    let authorization = context.headers().get("authorization")?.to_str().ok()?;
    let credential = authorization.split("Credential=").nth(1)?;
    Some(credential.split('/').next()?.to_string())
}

impl AwsSecurityTokenServiceV20110615 for Sts {
    async fn get_caller_identity(
        &self,
        context: &RequestContext,
        _: GetCallerIdentityRequest,
    ) -> Result<GetCallerIdentityResponse, GetCallerIdentityError> {
        // Every caller is the account's root here: the emulator checks no
        // credentials, so it knows no user behind them.
        let user_id = access_key(context).unwrap_or_else(|| ACCOUNT_ID.to_string());
        Ok(GetCallerIdentityResponse {
            user_id: Some(user_id),
            account: Some(ACCOUNT_ID.to_string()),
            arn: Some(format!("arn:aws:iam::{ACCOUNT_ID}:root")),
        })
    }

    async fn assume_role(
        &self,
        _: &RequestContext,
        input: AssumeRoleRequest,
    ) -> Result<AssumeRoleResponse, AssumeRoleError> {
        let seconds = input.duration_seconds.unwrap_or(3600);
        let now = crate::now().unwrap_or_else(|| Timestamp::from_epoch_seconds(0).expect("the epoch"));
        let expiration = Timestamp::from_epoch_seconds(now.epoch_seconds() + i64::from(seconds)).unwrap_or(now);
        // `arn:aws:iam::<account>:role/<path/name>` assumed as
        // `arn:aws:sts::<account>:assumed-role/<name>/<session>`.
        let role = input.role_arn.rsplit('/').next().unwrap_or(&input.role_arn).to_string();
        let role_id = self.id("AROA");
        Ok(AssumeRoleResponse {
            credentials: Some(Credentials {
                access_key_id: self.id("ASIA"),
                secret_access_key: self.ids.uuid().replace('-', ""),
                session_token: self.ids.uuid().replace('-', ""),
                expiration: DateTime(expiration),
            }),
            assumed_role_user: Some(AssumedRoleUser {
                assumed_role_id: format!("{role_id}:{}", input.role_session_name),
                arn: format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role}/{}", input.role_session_name),
            }),
            packed_policy_size: None,
            source_identity: input.source_identity,
        })
    }
}
