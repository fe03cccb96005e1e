//! Timestamps and blobs on the wire.

use awsgen_runtime::{Blob, Timestamp};
use serde_json::json;

#[test]
fn timestamps_read_and_write_epoch_seconds() {
    let whole: Timestamp = serde_json::from_value(json!(1515531081)).unwrap();
    assert_eq!(whole.to_string(), "2018-01-09T20:51:21Z");
    assert_eq!(serde_json::to_value(whole).unwrap(), json!(1515531081));
    let fractional: Timestamp = serde_json::from_value(json!(1515531081.123)).unwrap();
    assert_eq!(fractional.subsec_nanos(), 123_000_000);
    assert_eq!(serde_json::to_value(fractional).unwrap(), json!(1515531081.123));
    let micros: Timestamp = serde_json::from_value(json!(1722797135.088123)).unwrap();
    assert_eq!(micros.to_string(), "2024-08-04T18:45:35.088123Z");
    let before_1970: Timestamp = serde_json::from_value(json!(-1.5)).unwrap();
    assert_eq!(before_1970.to_string(), "1969-12-31T23:59:58.500Z");
    assert_eq!(serde_json::to_value(before_1970).unwrap(), json!(-1.5));
}

#[test]
fn timestamps_refuse_what_is_not_an_instant() {
    for bad in [json!("1515531081"), json!(1e20), json!(-1e20), json!(true), json!(253402300800i64)] {
        assert!(serde_json::from_value::<Timestamp>(bad.clone()).is_err(), "{bad}");
    }
}

#[test]
fn rfc3339_parsing() {
    let cases = [
        ("2024-08-04T11:45:35.088000-07:00", "2024-08-04T18:45:35.088Z"),
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        ("2000-02-29t23:59:59.999999999z", "2000-02-29T23:59:59.999999999Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
        ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"),
        ("2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00Z"),
    ];
    for (text, utc) in cases {
        assert_eq!(Timestamp::parse_rfc3339(text).unwrap().to_string(), utc, "{text}");
    }
    assert_eq!(Timestamp::parse_rfc3339("1970-01-01T00:00:01Z").unwrap().epoch_seconds(), 1);
    for bad in [
        "2023-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01 00:00:00Z",
        "2024-01-01T00:00:00",
        "2024-01-01T00:00:00.Z",
        "2024-01-01T00:00:00+0100",
        "9999-12-31T23:59:59-01:00",
    ] {
        assert!(Timestamp::parse_rfc3339(bad).is_err(), "{bad}");
    }
}

#[test]
fn timestamps_convert_to_and_from_system_time() {
    let t = Timestamp::from_parts(-2, 250_000_000).unwrap();
    let system: std::time::SystemTime = t.into();
    assert_eq!(Timestamp::try_from(system).unwrap(), t);
}

#[test]
fn blobs_are_base64() {
    let blob: Blob = serde_json::from_value(json!("YmluYXJ5LXZhbHVl")).unwrap();
    assert_eq!(blob.as_bytes(), b"binary-value");
    assert_eq!(serde_json::to_value(&blob).unwrap(), json!("YmluYXJ5LXZhbHVl"));
    assert_eq!(Blob::from_base64("YQ==").unwrap().as_bytes(), b"a");
    assert!(serde_json::from_value::<Blob>(json!("not base64!")).is_err());
    assert_eq!(format!("{blob:?}"), "Blob(12 bytes)");
}

#[test]
fn text_timestamp_formats() {
    use awsgen_runtime::{DateTime, HttpDate};
    let http: HttpDate = serde_json::from_value(json!("Tue, 29 Apr 2014 18:30:38 GMT")).unwrap();
    assert_eq!(http.0.epoch_seconds(), 1398796238);
    assert_eq!(serde_json::to_value(http).unwrap(), json!("Tue, 29 Apr 2014 18:30:38 GMT"));
    assert!(serde_json::from_value::<HttpDate>(json!("Wed, 29 Apr 2014 18:30:38 GMT")).is_err(), "wrong weekday");
    assert!(serde_json::from_value::<HttpDate>(json!("Tue, 29 Apr 2014 18:30:38 UTC")).is_err());
    assert_eq!(Timestamp::from_epoch_seconds(0).unwrap().to_http_date(), "Thu, 01 Jan 1970 00:00:00 GMT");
    let date_time: DateTime = serde_json::from_value(json!("1985-04-12T23:20:50.52Z")).unwrap();
    assert_eq!(serde_json::to_value(date_time).unwrap(), json!("1985-04-12T23:20:50.520Z"));
}
