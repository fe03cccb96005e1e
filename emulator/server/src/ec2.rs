//! Elastic Compute Cloud: the regions, for DescribeRegions (the emulator's
//! EC2 model holds only that operation).

use emulator_generated::ec2::operation::describe_regions::{
    DescribeRegionsError, DescribeRegionsRequest, DescribeRegionsResult,
};
use emulator_generated::ec2::service::Ec2 as Ec2Service;
use emulator_generated::ec2::types::Region;
use emulator_generated::runtime::UnmodelledError;
use emulator_generated::runtime::context::RequestContext;

/// The regions enabled for every account, as EC2 lists them.
const REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

pub struct Ec2;

impl Ec2 {
    /// EC2 keeps nothing to forget: its regions are fixed.
    pub fn reset(&self) {}
}

impl Ec2Service for Ec2 {
    async fn describe_regions(
        &self,
        _: &RequestContext,
        input: DescribeRegionsRequest,
    ) -> Result<DescribeRegionsResult, DescribeRegionsError> {
        if input.dry_run {
            let message = "Request would have succeeded, but DryRun flag is set.";
            return Err(UnmodelledError::client("DryRunOperation", message).with_status(412).into());
        }
        let names = input.region_names.unwrap_or_default();
        if let Some(unknown) = names.iter().find(|name| !REGIONS.contains(&name.as_str())) {
            let message = format!("Invalid region: {unknown}");
            return Err(UnmodelledError::client("InvalidParameterValue", message).into());
        }
        // Filters by `region-name` and `endpoint`; others select nothing
        // more.
        let filters = input.filters.unwrap_or_default();
        let regions = REGIONS
            .iter()
            .filter(|name| names.is_empty() || names.iter().any(|n| n == *name))
            .map(|name| Region {
                region_name: Some(name.to_string()),
                endpoint: Some(format!("ec2.{name}.amazonaws.com")),
                opt_in_status: Some("opt-in-not-required".to_string()),
                geography: None,
            })
            .filter(|region| {
                filters.iter().all(|filter| {
                    let value = match filter.name.as_deref() {
                        Some("region-name") => &region.region_name,
                        Some("endpoint") => &region.endpoint,
                        Some("opt-in-status") => &region.opt_in_status,
                        _ => return true,
                    };
                    filter.values.as_ref().is_none_or(|values| values.iter().any(|v| Some(v) == value.as_ref()))
                })
            })
            .collect();
        Ok(DescribeRegionsResult { regions: Some(regions) })
    }
}
