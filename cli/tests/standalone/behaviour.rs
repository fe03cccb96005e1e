//! Behaviour of the crate generated from codegen/tests/fixtures/features;
//! copied into the standalone crate by cli/tests/all/generate.rs.

use features_crate::features::error::Throttled;
use features_crate::features::operation::put_thing::{PutThingInput, PutThingOutput};
use features_crate::features::types::{Choice, Kind, Node};
use serde_json::json;

fn input(extra: serde_json::Value) -> PutThingInput {
    let mut body = json!({"Type": "AWS::EC2::Instance"});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    serde_json::from_value(body).unwrap()
}

#[test]
fn defaults_apply_when_members_are_absent() {
    let input = input(json!({}));
    assert_eq!(input.r#type, Kind::AwsEc2Instance);
    assert_eq!(input.retries, 3);
    assert!(input.enabled);
    assert_eq!(input.mode, Kind::IntelligentTiering);
    assert!(input.tags.is_empty());
    assert_eq!(input.legacy, 0);
    assert_eq!(input.ratio, None);
}

#[test]
fn default_null_cancels_the_targets_default() {
    let output: PutThingOutput = serde_json::from_value(json!({"Id": "x"})).unwrap();
    assert_eq!(output.count, None);
    assert_eq!(serde_json::to_value(&output).unwrap(), json!({"Id": "x"}));
}

#[test]
fn unions_use_the_awsjson_form() {
    let cases = [
        (json!({"text": "hi"}), Choice::Text("hi".into())),
        (json!({"nothing": {}}), Choice::Nothing(Default::default())),
        (json!({"nested": {"nested": {"text": "deep"}}}), Choice::Nested(Box::new(Choice::Nested(Box::new(Choice::Text("deep".into())))))),
    ];
    for (wire, value) in cases {
        assert_eq!(serde_json::from_value::<Choice>(wire.clone()).unwrap(), value);
        assert_eq!(serde_json::to_value(&value).unwrap(), wire);
    }
    assert!(serde_json::from_value::<Choice>(json!({"text": "a", "nothing": {}})).is_err());
}

#[test]
fn recursive_structures_nest() {
    let wire = json!({"Value": 1, "Next": {"Value": 2, "Next": {"Value": 3}}, "Children": [{"Value": 4}]});
    let node: Node = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(node.next.as_ref().unwrap().next.as_ref().unwrap().value, Some(3));
    assert_eq!(serde_json::to_value(&node).unwrap(), wire);
}

#[test]
fn sensitive_values_never_print() {
    let input = input(json!({"Secret": "hunter2", "Choice": {"secret": "hunter3"}}));
    let printed = format!("{input:?}");
    assert!(!printed.contains("hunter"), "{printed}");
    assert!(printed.contains("secret: *** Sensitive Data Redacted ***"), "{printed}");
    assert!(printed.contains("Secret(*** Sensitive Data Redacted ***)"), "{printed}");
}

#[test]
fn enum_values_that_are_not_identifiers() {
    for (kind, wire) in [(Kind::AwsEc2Instance, "AWS::EC2::Instance"), (Kind::IntelligentTiering, "Intelligent-Tiering"), (Kind::V1_0, "1.0"), (Kind::Self_, "self")] {
        assert_eq!(kind.as_str(), wire);
        assert_eq!(serde_json::to_value(kind).unwrap(), json!(wire));
        assert_eq!(wire.parse::<Kind>().unwrap(), kind);
    }
}

#[test]
fn validation_reads_the_model_constraints() {
    use features_crate::features::operation::put_thing::PutThing;
    use features_crate::runtime::Operation;
    use features_crate::runtime::validate::{Rejection, validate};
    let body = json!({"Type": "1.0", "Account": "ALL-of-them", "Level": 5, "Color": "clear", "Stamps": ["Tue, 29 Apr 2014 18:30:38 GMT"],
                      "NotificationARNs": ["arn:aws:sns:x:1:abcdefgh", "arn:aws:sns:x:1:abcdefgh"], "Ratio": 2.6});
    let Err(Rejection::Invalid(e)) = validate(PutThing::INPUT_SCHEMA, &body) else { panic!("accepted") };
    let messages: Vec<&str> = e.field_list.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Value at '/NotificationARNs' failed to satisfy constraint: Member must have unique values",
            "Value at '/Ratio' failed to satisfy constraint: Member must be between 0.5 and 2.5, inclusive",
            "Value at '/Level' failed to satisfy constraint: Member must satisfy enum value set: [1, 9]",
        ]
    );
    // `(?i)` is case-insensitive, and the pattern's first alternative is
    // not anchored at its end (the lint's point): "ALL-of-them" passes.
    // The internal legacy enum value "clear" is accepted, though not listed.
    let bad_color = json!({"Type": "self", "Color": "green"});
    let Err(Rejection::Invalid(e)) = validate(PutThing::INPUT_SCHEMA, &bad_color) else { panic!("accepted") };
    assert_eq!(e.field_list[0].message, "Value at '/Color' failed to satisfy constraint: Member must satisfy enum value set: [red, blue]");
    let input: PutThingInput = serde_json::from_value(json!({"Type": "self", "Stamps": ["Tue, 29 Apr 2014 18:30:38 GMT"]})).unwrap();
    assert_eq!(input.stamps.unwrap()[0].0.epoch_seconds(), 1398796238);
}

#[test]
fn errors_display_their_message() {
    assert_eq!(Throttled { message: "slow down".into() }.to_string(), "Throttled: slow down");
}

/// Big numbers keep every digit, both ways, default as the model says, and
/// have their range checked exactly (a member that targets the prelude's
/// `BigInteger` made the generator panic).
#[test]
fn big_numbers_keep_every_digit() {
    use features_crate::features::operation::put_thing::PutThing;
    use features_crate::runtime::validate::{Rejection, parse};
    use features_crate::runtime::{BigDecimal, BigInteger, Operation};
    assert_eq!(input(json!({})).price, "1.5".parse::<BigDecimal>().unwrap());
    let body = br#"{"Type": "self", "Total": 123456789012345678901234, "Price": 0.100000000000000000000001}"#;
    let Err(Rejection::Invalid(e)) = parse::<PutThingInput>(PutThing::INPUT_SCHEMA, body) else { panic!("accepted") };
    assert_eq!(e.field_list.len(), 1, "{e:?}");
    assert_eq!(e.field_list[0].message, "Value at '/Total' failed to satisfy constraint: Member must be between 0 and 1e+21, inclusive");
    let body = br#"{"Type": "self", "Total": 999999999999999999999, "Price": 0.100000000000000000000001}"#;
    let input = parse::<PutThingInput>(PutThing::INPUT_SCHEMA, body).unwrap();
    assert_eq!(input.total.as_ref().map(BigInteger::as_str), Some("999999999999999999999"));
    assert_eq!(input.price.as_str(), "0.100000000000000000000001");
    let written = serde_json::to_string(&input).unwrap();
    assert!(written.contains(r#""Total":999999999999999999999"#), "{written}");
    assert!(written.contains(r#""Price":0.100000000000000000000001"#), "{written}");
    // Exactly at the bound passes; just under it does not.
    let body = br#"{"Type": "self", "Price": 0.00999999999999999999999999}"#;
    let Err(Rejection::Invalid(e)) = parse::<PutThingInput>(PutThing::INPUT_SCHEMA, body) else { panic!("accepted") };
    assert_eq!(e.field_list[0].message, "Value at '/Price' failed to satisfy constraint: Member must be greater than or equal to 0.01");
    assert!(parse::<PutThingInput>(PutThing::INPUT_SCHEMA, br#"{"Type": "self", "Price": 0.0100}"#).is_ok());
    // A whole number is whole.
    let Err(Rejection::Malformed(e)) = parse::<PutThingInput>(PutThing::INPUT_SCHEMA, br#"{"Type": "self", "Total": 1.5}"#) else { panic!("accepted") };
    assert!(e.message.contains("expected a whole number"), "{e:?}");
}

/// restJson1 carries big numbers as text in labels, query strings and
/// headers, and as JSON numbers in bodies: every digit arrives and leaves.
#[test]
fn big_numbers_cross_rest_json_bindings_whole() {
    use features_crate::ledger::operation::get_balance::{GetBalanceError, GetBalanceInput, GetBalanceOutput};
    use features_crate::ledger::service::{Ledger, LedgerRouter};
    use features_crate::runtime::context::RequestContext;
    use features_crate::runtime::http::{Request, Service};
    use features_crate::runtime::{BigDecimal, BigInteger};

    /// Answers with what it was asked, scaled by nothing: every digit echoed.
    struct Books;

    impl Ledger for Books {
        async fn get_balance(&self, _: &RequestContext, input: GetBalanceInput) -> Result<GetBalanceOutput, GetBalanceError> {
            Ok(GetBalanceOutput {
                balance: input.scale,
                total: Some(input.account),
                history: Some(vec![input.floor, "-1e-40".parse().unwrap()]),
            })
        }
    }

    let send = |uri: &str, scale: Option<&str>| {
        let mut request = Request::get(uri);
        if let Some(scale) = scale {
            request = request.header("X-Scale", scale);
        }
        let response = block_on(LedgerRouter::new(Books).call(request.body(String::new()).unwrap())).unwrap();
        let status = response.status().as_u16();
        let balance = response.headers().get("X-Balance").map(|v| v.to_str().unwrap().to_string());
        let body = block_on(response.into_body().into_bytes()).unwrap();
        (status, balance, String::from_utf8(body.to_vec()).unwrap())
    };
    let (status, balance, body) =
        send("/accounts/123456789012345678901234567890/balance?floor=0.100000000000000000000001", Some("-12.000000000000000000000000001"));
    assert_eq!(status, 200, "{body}");
    assert_eq!(balance.as_deref(), Some("-12.000000000000000000000000001"));
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(json.get("Balance").is_none(), "{body}");
    assert!(body.contains(r#""Total":123456789012345678901234567890"#), "{body}");
    assert!(body.contains(r#""History":[0.100000000000000000000001,-1e-40]"#), "{body}");

    // The default applies; the range is checked on the exact value.
    let (status, balance, body) = send("/accounts/7/balance", None);
    assert_eq!((status, balance), (200, None), "{body}");
    assert!(body.contains(r#""History":[0.01,"#), "{body}");
    let (status, _, body) = send("/accounts/7/balance?floor=0.00999999999999999999999", None);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("Value at '/Floor' failed to satisfy constraint: Member must be greater than or equal to 0.01"), "{body}");

    // Text that is not the member's kind of number is malformed, and says where.
    for (uri, scale, why) in [
        ("/accounts/1.5/balance", None, "the URI label \"Account\" is not a whole number"),
        ("/accounts/12abc/balance", None, "the URI label \"Account\" is not a whole number"),
        ("/accounts/1/balance?floor=1e", None, "the query parameter \"floor\" is not a number"),
        ("/accounts/1/balance", Some("0x10"), "the header \"X-Scale\" is not a number"),
    ] {
        let (status, _, body) = send(uri, scale);
        assert_eq!(status, 400, "{uri} {scale:?}: {body}");
        let message = serde_json::from_str::<serde_json::Value>(&body).unwrap()["message"].as_str().unwrap().to_string();
        assert!(message.starts_with(why), "{uri} {scale:?}: {message}");
    }
    assert_eq!(BigInteger::from(7u32), "7".parse().unwrap());
    assert_eq!(BigDecimal::from(BigInteger::from(7u32)), "7.0".parse::<BigDecimal>().unwrap());
}

/// awsQuery: parameters in (wrapped and flattened lists, maps, renamed
/// members), XML out (attributes, flattened lists, the request id),
/// violations as AWS's query services report them, modelled errors with
/// their `@awsQueryError` code and status.
#[test]
fn aws_query_reads_parameters_and_writes_xml() {
    use features_crate::accounts::error::NoSuchEntity;
    use features_crate::accounts::operation::create_user::{CreateUserError, CreateUserInput, CreateUserOutput};
    use features_crate::accounts::operation::get_user::{GetUserError, GetUserInput, GetUserOutput};
    use features_crate::accounts::service::{Accounts, AccountsRouter};
    use features_crate::accounts::types::{Tag, User};
    use features_crate::runtime::context::RequestContext;
    use features_crate::runtime::http::{Request, Service};
    use features_crate::runtime::{DateTime, Timestamp};

    /// Answers CreateUser with the user it describes; knows no user.
    struct Directory;

    impl Accounts for Directory {
        async fn create_user(&self, _: &RequestContext, input: CreateUserInput) -> Result<CreateUserOutput, CreateUserError> {
            let created = Timestamp::parse_date_time("2026-12-06T10:00:00Z").unwrap();
            Ok(CreateUserOutput {
                user: Some(User {
                    user_name: input.user_name,
                    create_date: DateTime(created),
                    kind: Some("human & <friendly>".to_string()),
                    tags: input.tags,
                    groups: input.groups,
                    attributes: input.attributes,
                }),
            })
        }

        async fn get_user(&self, _: &RequestContext, input: GetUserInput) -> Result<GetUserOutput, GetUserError> {
            Err(GetUserError::NoSuchEntity(NoSuchEntity {
                message: Some(format!("The user with name {} cannot be found.", input.user_name)),
                user_name: Some(input.user_name),
            }))
        }
    }

    let send = |form: &str| {
        let request = Request::post("/")
            .header("host", "localhost")
            .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
            .body(form.to_string())
            .unwrap();
        let response = block_on(AccountsRouter::new(Directory).call(request)).unwrap();
        let status = response.status().as_u16();
        assert_eq!(response.headers()["content-type"], "text/xml");
        let id = response.headers()["x-amzn-requestid"].to_str().unwrap().to_string();
        let body = String::from_utf8(block_on(response.into_body().into_bytes()).unwrap().to_vec()).unwrap();
        (status, body.replace(&id, "ID"))
    };

    let (status, body) = send(
        "Action=CreateUser&Version=2026-12-06&UserName=ada&Tags.member.2.Key=b&Tags.member.2.Value=2\
         &Tags.member.1.Key=a&Tags.member.1.Value=1&Group.1=admins&Group.2=ops\
         &Attributes.entry.1.key=team&Attributes.entry.1.value=core",
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        "<CreateUserResponse xmlns=\"https://accounts.example.com/doc/2026-12-06/\"><CreateUserResult>\
         <User kind=\"human &amp; &lt;friendly&gt;\"><UserName>ada</UserName><CreateDate>2026-12-06T10:00:00Z</CreateDate>\
         <Tags><member><Key>a</Key><Value>1</Value></member><member><Key>b</Key><Value>2</Value></member></Tags>\
         <Groups>admins</Groups><Groups>ops</Groups>\
         <Attributes><entry><key>team</key><value>core</value></entry></Attributes></User>\
         </CreateUserResult><ResponseMetadata><RequestId>ID</RequestId></ResponseMetadata></CreateUserResponse>"
    );
    let _ = Tag { key: String::new(), value: String::new() };

    // Every violation, in AWS's words and paths.
    let (status, body) = send("Action=CreateUser&UserName=no%20spaces&Tags.member.1.Key=k");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>ValidationError</Code>"), "{body}");
    assert!(
        body.contains(
            "<Message>2 validation errors detected: Value at 'userName' failed to satisfy constraint: Member must \
             satisfy regular expression pattern: ^[\\w+=,.@-]+$; Value at 'tags.member.1.value' failed to satisfy \
             constraint: Member must not be null</Message>"
        ),
        "{body}"
    );
    let (status, body) = send("Action=CreateUser&UserName=ada&MaxSessionSeconds=soon");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>InvalidParameterValue</Code>"), "{body}");
    assert!(body.contains("at 'maxSessionSeconds'"), "{body}");

    // A modelled error: its code, status, message and members.
    let (status, body) = send("Action=GetUser&UserName=grace");
    assert_eq!(status, 404, "{body}");
    assert_eq!(
        body,
        "<ErrorResponse xmlns=\"https://accounts.example.com/doc/2026-12-06/\"><Error><Type>Sender</Type>\
         <Code>NoSuchEntity</Code><Message>The user with name grace cannot be found.</Message>\
         <UserName>grace</UserName></Error><RequestId>ID</RequestId></ErrorResponse>"
    );

    // An operation the handler does not implement, one the service does not
    // have, and none at all.
    let (status, body) = send("Action=DeleteUser&UserName=ada");
    assert_eq!(status, 501, "{body}");
    let (status, body) = send("Action=Nope");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>InvalidAction</Code>"), "{body}");
    let (status, body) = send("UserName=ada");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>MissingAction</Code>"), "{body}");
    let (status, body) = send("Action=CreateUser&UserName=%ZZ");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>MalformedQueryString</Code>"), "{body}");
    // A form of 100,000 parameters is refused past the 10,000th, and the
    // answer quotes none of them.
    let many: Vec<String> = (0..100_000).map(|i| format!("Param{i}=x")).collect();
    let (status, body) = send(&format!("Action=CreateUser&UserName=ada&{}", many.join("&")));
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>MalformedQueryString</Code>") && !body.contains("Param"), "{body}");
    assert!(body.len() < 400, "{body}");
}

#[test]
fn rest_xml_reads_and_writes_xml_and_streams() {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use features_crate::runtime::context::RequestContext;
    use features_crate::runtime::http::{Request, Service};
    use features_crate::runtime::{ByteStream, DateTime, Timestamp};
    use features_crate::storage::error::{NoSuchBucket, NoSuchKey};
    use features_crate::storage::operation::create_bucket::{CreateBucketError, CreateBucketInput, CreateBucketOutput};
    use features_crate::storage::operation::get_object::{GetObjectError, GetObjectInput, GetObjectOutput};
    use features_crate::storage::operation::list_objects::{ListObjectsError, ListObjectsOutput, ListObjectsRequest};
    use features_crate::storage::operation::put_bucket_tagging::{PutBucketTaggingError, PutBucketTaggingInput};
    use features_crate::storage::operation::put_object::{PutObjectError, PutObjectInput, PutObjectOutput};
    use features_crate::storage::service::{Storage, StorageRouter};
    use features_crate::storage::types::Object;

    /// An object: its media type and bytes.
    type Stored = (Option<String>, Vec<u8>);

    /// Buckets of objects, in memory.
    #[derive(Default)]
    struct Store {
        buckets: Mutex<BTreeMap<String, BTreeMap<String, Stored>>>,
        tags: Mutex<Vec<(String, String)>>,
    }

    impl Storage for Store {
        async fn create_bucket(&self, _: &RequestContext, input: CreateBucketInput) -> Result<CreateBucketOutput, CreateBucketError> {
            let region = input.configuration.and_then(|c| c.location_constraint).unwrap_or_default();
            self.buckets.lock().unwrap().insert(input.bucket.clone(), BTreeMap::new());
            Ok(CreateBucketOutput { location: Some(format!("/{}?{region}", input.bucket)) })
        }

        async fn put_object(&self, _: &RequestContext, input: PutObjectInput) -> Result<PutObjectOutput, PutObjectError> {
            let bytes = input.body.into_bytes().await.unwrap().to_vec();
            let mut buckets = self.buckets.lock().unwrap();
            let Some(bucket) = buckets.get_mut(&input.bucket) else {
                return Err(PutObjectError::NoSuchBucket(NoSuchBucket { message: None, bucket_name: Some(input.bucket) }));
            };
            let e_tag = format!("\"{}\"", bytes.len());
            bucket.insert(input.key, (input.content_type, bytes));
            Ok(PutObjectOutput { e_tag: Some(e_tag) })
        }

        async fn get_object(&self, _: &RequestContext, input: GetObjectInput) -> Result<GetObjectOutput, GetObjectError> {
            let buckets = self.buckets.lock().unwrap();
            let Some(bucket) = buckets.get(&input.bucket) else {
                return Err(GetObjectError::NoSuchBucket(NoSuchBucket { message: None, bucket_name: Some(input.bucket) }));
            };
            let Some((content_type, bytes)) = bucket.get(&input.key) else {
                let message = Some("The specified key does not exist.".to_string());
                return Err(GetObjectError::NoSuchKey(NoSuchKey { message }));
            };
            Ok(GetObjectOutput { content_type: content_type.clone(), content_range: None, body: ByteStream::from(bytes.clone()) })
        }

        async fn list_objects(&self, _: &RequestContext, input: ListObjectsRequest) -> Result<ListObjectsOutput, ListObjectsError> {
            let buckets = self.buckets.lock().unwrap();
            let Some(bucket) = buckets.get(&input.bucket) else {
                return Err(ListObjectsError::NoSuchBucket(NoSuchBucket { message: None, bucket_name: Some(input.bucket) }));
            };
            let modified = DateTime(Timestamp::parse_date_time("2026-12-07T10:00:00Z").unwrap());
            let contents: Vec<Object> = bucket
                .iter()
                .filter(|(key, _)| key.starts_with(input.prefix.as_deref().unwrap_or("")))
                .map(|(key, (_, bytes))| Object {
                    key: Some(key.clone()),
                    size: Some(bytes.len() as i64),
                    last_modified: Some(modified),
                    storage_class: Some("STANDARD".to_string()),
                })
                .collect();
            Ok(ListObjectsOutput {
                name: Some(input.bucket),
                prefix: input.prefix,
                key_count: Some(contents.len() as i32),
                contents: Some(contents),
            })
        }

        async fn put_bucket_tagging(
            &self,
            _: &RequestContext,
            input: PutBucketTaggingInput,
        ) -> Result<features_crate::runtime::Unit, PutBucketTaggingError> {
            let tags = input.tagging.tag_set.into_iter().map(|tag| (tag.key, tag.value));
            self.tags.lock().unwrap().extend(tags);
            Ok(features_crate::runtime::Unit {})
        }
    }

    let router = StorageRouter::new(Store::default());
    let send = |method: &str, host: &str, uri: &str, headers: &[(&str, &str)], body: &str| {
        let mut request = Request::builder().method(method).uri(uri).header("host", host);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.header("content-length", body.len().to_string()).body(body.to_string()).unwrap();
        let response = block_on(router.clone().call(request)).unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = String::from_utf8(block_on(response.into_body().into_bytes()).unwrap().to_vec()).unwrap();
        (status, headers, body)
    };
    const XML: (&str, &str) = ("content-type", "application/xml");

    // Path style, with a payload structure under its @xmlName.
    let configuration = "<CreateBucketConfiguration xmlns=\"https://storage.example.com/doc/2026-12-07/\">\
                         <LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>";
    let (status, headers, body) = send("PUT", "localhost", "/photos", &[XML], configuration);
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["location"], "/photos?eu-west-1");

    // Virtual-hosted style: the bucket in the host, before the signing name.
    let (status, headers, body) = send(
        "PUT",
        "photos.storage.example.com",
        "/2026/cat%20one.jpg",
        &[("content-type", "image/jpeg"), ("x-amz-meta-camera", "x100")],
        "JPEG BYTES",
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["etag"], "\"10\"");
    let (status, headers, body) = send("GET", "localhost", "/photos/2026/cat%20one.jpg", &[], "");
    assert_eq!((status, body.as_str()), (200, "JPEG BYTES"));
    assert_eq!(headers["content-type"], "image/jpeg", "the object's own type, not the payload's default");

    // A listing: the output's @xmlName, flattened items, an attribute.
    let (status, headers, body) = send("GET", "photos.localhost:4566", "/?list-type=2&prefix=2026/", &[], "");
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["content-type"], "application/xml");
    assert_eq!(
        body,
        "<ListBucketResult xmlns=\"https://storage.example.com/doc/2026-12-07/\"><Name>photos</Name>\
         <Prefix>2026/</Prefix><KeyCount>1</KeyCount><Contents StorageClass=\"STANDARD\"><Key>2026/cat one.jpg</Key>\
         <Size>10</Size><LastModified>2026-12-07T10:00:00Z</LastModified></Contents></ListBucketResult>"
    );

    // Modelled errors, unwrapped (`noErrorWrapping`).
    let (status, _, body) = send("GET", "localhost", "/photos/nothing", &[], "");
    assert_eq!(status, 404, "{body}");
    assert_eq!(
        body,
        "<Error><Type>Sender</Type><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"
    );
    let (status, _, body) = send("GET", "localhost", "/videos?list-type=2", &[], "");
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("<Code>NoSuchBucket</Code><BucketName>videos</BucketName>"), "{body}");

    // A payload read into a list: every constraint, in AWS's words.
    let tagging = |tags: &str| format!("<Tagging><TagSet>{tags}</TagSet></Tagging>");
    let (status, _, body) =
        send("PUT", "localhost", "/photos?tagging", &[XML], &tagging("<Tag><Key>team</Key><Value>core</Value></Tag>"));
    assert_eq!(status, 200, "{body}");
    let (status, _, body) = send("PUT", "localhost", "/photos?tagging", &[XML], &tagging("<Tag><Key></Key></Tag>"));
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>InvalidArgument</Code>"), "{body}");
    assert!(
        body.contains(
            "2 validation errors detected: Value with length 0 at 'tagging.tagSet.member.1.key' failed to satisfy \
             constraint: Member must have length between 1 and 128, inclusive; Value at \
             'tagging.tagSet.member.1.value' failed to satisfy constraint: Member must not be null"
        ),
        "{body}"
    );
    let (status, _, body) = send("GET", "localhost", "/photos?list-type=2&max-keys=0", &[], "");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("Value at 'maxKeys' failed to satisfy constraint"), "{body}");

    // Hostile XML: refused, quoting nothing of it, and nothing stored.
    let hostile = [
        format!("<!DOCTYPE t [<!ENTITY x \"{}\">]>{}", "y".repeat(100), tagging("<Tag><Key>&x;</Key><Value>v</Value></Tag>")),
        tagging("<Tag><Key>&secret;</Key><Value>v</Value></Tag>"),
        format!("{}{}", "<a>".repeat(100), "</a>".repeat(100)),
        tagging("<Tag><Key>k</Key><Value>v</Value>"),
        format!("<Tagging {}/>", (0..100).map(|i| format!("a{i}=\"1\"")).collect::<Vec<_>>().join(" ")),
    ];
    for xml in &hostile {
        let (status, _, body) = send("PUT", "localhost", "/photos?tagging", &[XML], xml);
        assert_eq!(status, 400, "{xml}: {body}");
        assert!(body.contains("<Code>MalformedXML</Code>"), "{body}");
        assert!(!body.contains("yyy") && !body.contains("secret") && body.len() < 400, "{body}");
    }
    assert_eq!(router.service().tags.lock().unwrap().len(), 1);

    // A method the path does not have.
    let (status, _, body) = send("DELETE", "localhost", "/photos", &[], "");
    assert_eq!(status, 405, "{body}");
    assert!(body.starts_with("<Error><Type>Sender</Type><Code>UnknownOperationException</Code>"), "{body}");
}

/// RPC v2 CBOR: CBOR in (definite and indefinite lengths, tag-1
/// timestamps, floats of every width, byte strings), CBOR out (an empty
/// body for an operation with no output, big numbers by their tags),
/// violations as a `ValidationException`, modelled errors with their shape
/// id as `__type`, refusals in the protocol's form.
#[test]
fn rpc_v2_cbor_reads_and_writes_cbor_and_the_router_speaks_json_and_query_too() {
    use std::sync::Mutex;

    use features_crate::metrics::error::ResourceNotFound;
    use features_crate::metrics::operation::list_metrics::{ListMetricsError, ListMetricsInput, ListMetricsOutput};
    use features_crate::metrics::operation::put_metric_data::{PutMetricDataError, PutMetricDataInput};
    use features_crate::metrics::service::{Metrics, MetricsRouter};
    use features_crate::metrics::types::{MetricDatum, StandardUnit};
    use features_crate::metrics::validation::LIST_METRICS_OUTPUT;
    use features_crate::runtime::context::RequestContext;
    use features_crate::runtime::http::{Request, Service};
    use features_crate::runtime::protocol::cbor::CborWriter;
    use features_crate::runtime::protocol::rpc_v2_cbor::input;
    use features_crate::runtime::{BigInteger, Blob, Timestamp, Unit};

    /// Keeps what is put, by namespace.
    #[derive(Default)]
    struct Store(Mutex<Vec<(String, MetricDatum)>>);

    impl Metrics for Store {
        async fn put_metric_data(&self, _: &RequestContext, input: PutMetricDataInput) -> Result<Unit, PutMetricDataError> {
            let mut kept = self.0.lock().unwrap();
            kept.extend(input.metric_data.into_iter().map(|datum| (input.namespace.clone(), datum)));
            Ok(Unit {})
        }

        async fn list_metrics(&self, _: &RequestContext, input: ListMetricsInput) -> Result<ListMetricsOutput, ListMetricsError> {
            let kept = self.0.lock().unwrap();
            let metrics: Vec<MetricDatum> =
                kept.iter().filter(|(namespace, _)| *namespace == input.namespace).map(|(_, datum)| datum.clone()).collect();
            if metrics.is_empty() {
                return Err(ListMetricsError::ResourceNotFound(ResourceNotFound {
                    message: Some("no metrics".to_string()),
                    namespace: Some(input.namespace),
                }));
            }
            Ok(ListMetricsOutput { metrics: Some(metrics), total: Some("18446744073709551616".parse().unwrap()) })
        }
    }

    let router = MetricsRouter::new(Store::default());
    let send = |operation: &str, headers: &[(&str, &str)], body: Vec<u8>| {
        let mut request = Request::post(format!("/service/Metrics/operation/{operation}")).header("host", "localhost");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = features_crate::runtime::ByteStream::from(body);
        let response = block_on(router.clone().call(request.body(body).unwrap())).unwrap();
        let status = response.status().as_u16();
        assert_eq!(response.headers()["smithy-protocol"], "rpc-v2-cbor");
        let content_type = response.headers().get("content-type").map(|value| value.to_str().unwrap().to_string());
        let body = block_on(response.into_body().into_bytes()).unwrap().to_vec();
        (status, content_type, body)
    };
    let cbor = [("smithy-protocol", "rpc-v2-cbor"), ("content-type", "application/cbor")];

    // PutMetricData, written with the runtime's own writer: its answer has no body.
    let mut out = CborWriter::default();
    out.map(2);
    out.text("Namespace");
    out.text("app");
    out.text("MetricData");
    out.array(1);
    out.map(6);
    out.text("MetricName");
    out.text("latency");
    out.text("Timestamp");
    out.timestamp(&Timestamp::from_epoch_seconds_f64(1_765_000_000.25).unwrap());
    out.text("Value");
    out.single(2.5);
    out.text("Unit");
    out.text("Seconds");
    out.text("Values");
    out.array(2);
    out.integer(1);
    out.double(f64::INFINITY);
    out.text("Payload");
    out.bytes(b"\x00\x01");
    let (status, content_type, body) = send("PutMetricData", &cbor, out.into_bytes());
    assert_eq!((status, content_type, body), (200, None, Vec::new()));

    // ListMetrics reads back what was put, in CBOR.
    let mut out = CborWriter::default();
    out.map(1);
    out.text("Namespace");
    out.text("app");
    let (status, content_type, body) = send("ListMetrics", &cbor, out.into_bytes());
    assert_eq!((status, content_type.as_deref()), (200, Some("application/cbor")));
    let listed: ListMetricsOutput = input(&body, &LIST_METRICS_OUTPUT).unwrap();
    let datum = &listed.metrics.as_ref().unwrap()[0];
    assert_eq!(datum.metric_name, "latency");
    assert_eq!(datum.timestamp.unwrap().as_epoch_seconds_f64(), 1_765_000_000.25);
    assert_eq!((datum.value, datum.unit), (Some(2.5), Some(StandardUnit::Seconds)));
    assert_eq!(datum.values, Some(vec![1.0, f64::INFINITY]));
    assert_eq!(datum.payload, Some(Blob::new(vec![0, 1])));
    assert_eq!(listed.total, Some("18446744073709551616".parse::<BigInteger>().unwrap()));

    // Every violation, as a ValidationException with its fieldList.
    let mut out = CborWriter::default();
    out.map(2);
    out.text("Namespace");
    out.text("");
    out.text("MetricData");
    out.array(1);
    out.map(1);
    out.text("Value");
    out.text("not a number");
    let (status, _, body) = send("PutMetricData", &cbor, out.into_bytes());
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("SerializationException") && text.contains("/MetricData/0/Value"), "{text}");
    let mut out = CborWriter::default();
    out.map(2);
    out.text("Namespace");
    out.text("");
    out.text("MetricData");
    out.array(1);
    out.map(0);
    let (status, _, body) = send("PutMetricData", &cbor, out.into_bytes());
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("smithy.framework#ValidationException") && text.contains("fieldList"), "{text}");
    assert!(text.contains("/Namespace") && text.contains("/MetricData/0/MetricName"), "{text}");

    // A modelled error: its shape id, status and members.
    let mut out = CborWriter::default();
    out.map(1);
    out.text("Namespace");
    out.text("other");
    let (status, _, body) = send("ListMetrics", &cbor, out.into_bytes());
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 404, "{text}");
    assert!(text.contains("example.metrics#ResourceNotFound") && text.contains("no metrics"), "{text}");

    // Refusals in the protocol's form.
    let (status, _, _) = send("Nope", &cbor, Vec::new());
    assert_eq!(status, 404);
    let (status, _, _) = send("ListMetrics", &[("content-type", "application/cbor")], vec![0xa0]);
    assert_eq!(status, 400);
    let (status, _, _) = send("ListMetrics", &[("smithy-protocol", "rpc-v2-cbor"), ("content-type", "application/json")], b"{}".to_vec());
    assert_eq!(status, 415);

    // The same router answers awsJson1.0 and awsQuery too, each in its own
    // protocol, from the same store.
    let other = |headers: &[(&str, &str)], body: &str| {
        let mut request = Request::post("/").header("host", "localhost");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = features_crate::runtime::ByteStream::from(body.to_string());
        let response = block_on(router.clone().call(request.body(body).unwrap())).unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = block_on(response.into_body().into_bytes()).unwrap().to_vec();
        (status, headers, String::from_utf8(body).unwrap())
    };
    let headers = [("x-amz-target", "Metrics.ListMetrics"), ("content-type", "application/x-amz-json-1.0")];
    let (status, response_headers, body) = other(&headers, r#"{"Namespace":"app"}"#);
    assert_eq!(status, 200, "{body}");
    assert_eq!(response_headers["content-type"], "application/x-amz-json-1.0");
    assert!(!response_headers.contains_key("smithy-protocol"));
    let listed: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(listed["Metrics"][0]["MetricName"], "latency");
    assert_eq!(listed["Metrics"][0]["Timestamp"], 1_765_000_000.25);
    assert!(body.contains(r#""Total":18446744073709551616"#), "{body}");
    let (status, response_headers, body) = other(&headers, r#"{"Namespace":"other"}"#);
    assert_eq!(status, 404, "{body}");
    assert_eq!(response_headers["x-amzn-query-error"], "ResourceNotFound;Sender");
    assert!(body.contains(r#""__type":"example.metrics#ResourceNotFound""#), "{body}");

    let form = [("content-type", "application/x-www-form-urlencoded; charset=utf-8")];
    let put = "Action=PutMetricData&Version=2026-12-07&Namespace=query&MetricData.member.1.MetricName=hits\
               &MetricData.member.1.Value=3&MetricData.member.1.Timestamp=2025-12-06T05%3A46%3A40.250Z";
    let (status, _, body) = other(&form, put);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<PutMetricDataResponse xmlns=\"http://example.com/metrics/\">"), "{body}");
    let (status, response_headers, body) = other(&form, "Action=ListMetrics&Version=2026-12-07&Namespace=query");
    assert_eq!(status, 200, "{body}");
    assert_eq!(response_headers["content-type"], "text/xml");
    assert!(body.contains("<ListMetricsResult><Metrics><member><MetricName>hits</MetricName>"), "{body}");
    // awsQuery writes its own timestamp form, whatever the first protocol's.
    assert!(body.contains("<Timestamp>2025-12-06T05:46:40.250Z</Timestamp>"), "{body}");
    // awsQuery's own status for the error (`@awsQueryError`), and its code.
    let (status, _, body) = other(&form, "Action=ListMetrics&Version=2026-12-07&Namespace=none");
    assert_eq!(status, 410, "{body}");
    assert!(body.contains("<Code>ResourceNotFound</Code>"), "{body}");
    // RPC v2 CBOR errors of a query-compatible service name their code too.
    let mut out = CborWriter::default();
    out.map(1);
    out.text("Namespace");
    out.text("none");
    let request = Request::post("/service/Metrics/operation/ListMetrics")
        .header("host", "localhost")
        .header("smithy-protocol", "rpc-v2-cbor")
        .header("content-type", "application/cbor")
        .body(features_crate::runtime::ByteStream::from(out.into_bytes()))
        .unwrap();
    let response = block_on(router.clone().call(request)).unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["x-amzn-query-error"], "ResourceNotFound;Sender");
    // A request that says no protocol is the first protocol's to refuse.
    let (status, response_headers, body) = other(&[], "");
    assert_eq!(status, 400, "{body}");
    assert_eq!(response_headers["content-type"], "application/x-amz-json-1.0");
    assert!(body.contains("UnknownOperationException"), "{body}");
}

/// The generated routers' futures need no runtime here: they never wait.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}
