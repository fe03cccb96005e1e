//! Smithy's prelude and trait vocabularies: the definitions of every trait
//! AWS models and Smithy's own test suites use (`smithy.api`,
//! `aws.protocols`, `aws.auth`, `smithy.test`, `smithy.rules`, ...), copied
//! unedited from Smithy into `codegen/vocabulary` and built into the
//! generator, so a spec may apply them without defining them.
//!
//! The loader reads them with the same IDL reader as any spec, once, and
//! uses them to resolve relative ids (`@length` is `smithy.api#length`),
//! to know what a trait applied without a value means, and as mixins.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use crate::model::load::{self, LoadedShape};

/// `(file name, text)` of each definition file.
macro_rules! file {
    ($name:literal) => {
        ($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/vocabulary/", $name)))
    };
}

/// The definition files, by name.
pub const FILES: &[(&str, &str)] = &[
    file!("smithy-aws-apigateway-traits--aws.apigateway.smithy"),
    file!("smithy-aws-cloudformation-traits--aws.cloudformation.smithy"),
    file!("smithy-aws-endpoints--aws.endpoints.smithy"),
    file!("smithy-aws-iam-traits--aws.iam.smithy"),
    file!("smithy-aws-smoke-test-model--aws.test.smithy"),
    file!("smithy-aws-traits--aws.api.smithy"),
    file!("smithy-aws-traits--aws.auth.smithy"),
    file!("smithy-aws-traits--aws.customizations.smithy"),
    file!("smithy-aws-traits--aws.protocols.smithy"),
    file!("smithy-contract-traits--contracts.smithy"),
    file!("smithy-model--prelude.smithy"),
    file!("smithy-mqtt-traits--smithy.api.mqtt.smithy"),
    file!("smithy-openapi-traits--smithy.openapi.smithy"),
    file!("smithy-protocol-test-traits--smithy.test.smithy"),
    file!("smithy-protocol-traits--smithy.protocols.rpcv2.smithy"),
    file!("smithy-rules-engine--smithy.rules.smithy"),
    file!("smithy-smoke-test-traits--smithy.test.smithy"),
    file!("smithy-validation-model--smithy.framework.validation.smithy"),
    file!("smithy-waiters--waiters.smithy"),
];

/// Every shape the definition files define, by absolute id.
pub fn shapes() -> &'static BTreeMap<String, LoadedShape> {
    static SHAPES: OnceLock<BTreeMap<String, LoadedShape>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let dir = Path::new("<smithy>");
        let texts = FILES.iter().map(|(name, text)| (dir.join(name), Ok(Cow::Borrowed(*text))));
        match load::load_texts(dir, texts, None) {
            Ok(model) => model.shapes,
            // The files are Smithy's own and fixed at build time; a test
            // reads them, so this cannot be reached by a user's spec.
            Err(e) => panic!("Smithy's trait definitions did not load: {e}"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_load() {
        let shapes = shapes();
        for id in ["smithy.api#String", "smithy.api#length", "aws.protocols#awsJson1_1", "smithy.test#httpRequestTests"]
        {
            assert!(shapes.contains_key(id), "{id}");
        }
        // Mixins are flattened: awsJson1_1 takes HttpConfiguration's members.
        let aws_json = &shapes["aws.protocols#awsJson1_1"].shape;
        assert!(aws_json.members.as_ref().is_some_and(|m| m.get("http").is_some()), "{aws_json:?}");
    }
}
