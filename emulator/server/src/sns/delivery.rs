//! What SNS sends its subscribers: the JSON envelope of a notification or
//! a subscription confirmation, and the HTTP POST that carries it to an
//! `http` endpoint (hyper's client; `https` endpoints are not delivered to,
//! as the emulator has no certificates to trust them by).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use emulator_generated::runtime::Timestamp;
use http_body_util::Full;
use serde_json::{Map, Value, json};

/// The signature fields every message carries. The emulator signs nothing:
/// the values have AWS's form, and subscribers that check signatures
/// against AWS's certificate cannot be served by any emulator.
const SIGNATURE: &str = "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=";
const SIGNING_CERT_URL: &str =
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem";

/// A message attribute as SNS carries it in an envelope.
pub struct EnvelopeAttribute {
    pub data_type: String,
    pub value: String,
}

/// What a notification says.
pub struct Notification<'a> {
    pub id: &'a str,
    pub topic_arn: &'a str,
    pub subject: Option<&'a str>,
    pub message: &'a str,
    pub attributes: &'a BTreeMap<String, EnvelopeAttribute>,
    pub unsubscribe_url: String,
    pub sent: SystemTime,
}

/// A time as SNS writes it: `2026-12-07T21:10:00.123Z`.
pub fn timestamp(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    let millis = since.subsec_millis() * 1_000_000;
    let seconds = i64::try_from(since.as_secs()).unwrap_or(0);
    Timestamp::from_parts(seconds, millis).map_or_else(String::new, |t| t.to_string())
}

/// The JSON envelope of a notification, as SQS subscribers receive it
/// (without raw delivery) and HTTP endpoints are POSTed it.
pub fn notification(notification: &Notification<'_>) -> String {
    let mut envelope = Map::new();
    envelope.insert("Type".into(), json!("Notification"));
    envelope.insert("MessageId".into(), json!(notification.id));
    envelope.insert("TopicArn".into(), json!(notification.topic_arn));
    if let Some(subject) = notification.subject {
        envelope.insert("Subject".into(), json!(subject));
    }
    envelope.insert("Message".into(), json!(notification.message));
    envelope.insert("Timestamp".into(), json!(timestamp(notification.sent)));
    envelope.insert("SignatureVersion".into(), json!("1"));
    envelope.insert("Signature".into(), json!(SIGNATURE));
    envelope.insert("SigningCertURL".into(), json!(SIGNING_CERT_URL));
    envelope.insert("UnsubscribeURL".into(), json!(notification.unsubscribe_url));
    if !notification.attributes.is_empty() {
        let attributes: Map<String, Value> = notification
            .attributes
            .iter()
            .map(|(name, attribute)| (name.clone(), json!({"Type": attribute.data_type, "Value": attribute.value})))
            .collect();
        envelope.insert("MessageAttributes".into(), Value::Object(attributes));
    }
    Value::Object(envelope).to_string()
}

/// The JSON of a subscription confirmation, POSTed to an HTTP endpoint
/// when it subscribes.
pub fn confirmation(id: &str, topic_arn: &str, token: &str, subscribe_url: &str, sent: SystemTime) -> String {
    json!({
        "Type": "SubscriptionConfirmation",
        "MessageId": id,
        "Token": token,
        "TopicArn": topic_arn,
        "Message": format!(
            "You have chosen to subscribe to the topic {topic_arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message."
        ),
        "SubscribeURL": subscribe_url,
        "Timestamp": timestamp(sent),
        "SignatureVersion": "1",
        "Signature": SIGNATURE,
        "SigningCertURL": SIGNING_CERT_URL,
    })
    .to_string()
}

/// POSTs `body` with `headers` to the `http` URL `url`: the status it
/// answered, or why it was not sent.
pub async fn post(url: &str, headers: &[(&str, String)], body: String) -> Result<u16, String> {
    let rest = url.strip_prefix("http://").ok_or("only http endpoints are delivered to")?;
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    let address = if authority.contains(':') { authority.to_string() } else { format!("{authority}:80") };
    let stream = tokio::time::timeout(Duration::from_secs(5), tokio::net::TcpStream::connect(&address))
        .await
        .map_err(|_| "connecting timed out".to_string())?
        .map_err(|e| e.to_string())?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let mut request = http::Request::post(path)
        .header(http::header::HOST, authority)
        .header(http::header::CONTENT_TYPE, "text/plain; charset=UTF-8")
        .header(http::header::USER_AGENT, "Amazon Simple Notification Service Agent");
    for (name, value) in headers {
        request = request.header(*name, value.as_str());
    }
    let request = request.body(Full::new(Bytes::from(body))).map_err(|e| e.to_string())?;
    let answer = tokio::time::timeout(Duration::from_secs(15), sender.send_request(request))
        .await
        .map_err(|_| "the endpoint did not answer within 15 s".to_string())?
        .map_err(|e| e.to_string())?;
    Ok(answer.status().as_u16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes() {
        let mut attributes = BTreeMap::new();
        attributes.insert("k".to_string(), EnvelopeAttribute { data_type: "String".into(), value: "v".into() });
        let text = notification(&Notification {
            id: "id",
            topic_arn: "arn:aws:sns:us-east-1:000000000000:t",
            subject: Some("s"),
            message: "hello",
            attributes: &attributes,
            unsubscribe_url: "http://x/?Action=Unsubscribe".into(),
            sent: UNIX_EPOCH + Duration::from_millis(1_500),
        });
        let envelope: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(envelope["Type"], "Notification");
        assert_eq!(envelope["Message"], "hello");
        assert_eq!(envelope["Subject"], "s");
        assert_eq!(envelope["Timestamp"], "1970-01-01T00:00:01.500Z");
        assert_eq!(envelope["MessageAttributes"]["k"], json!({"Type": "String", "Value": "v"}));
        let confirm: Value = serde_json::from_str(&confirmation("i", "arn", "tok", "http://x", UNIX_EPOCH)).unwrap();
        assert_eq!(
            (confirm["Type"].as_str(), confirm["Token"].as_str()),
            (Some("SubscriptionConfirmation"), Some("tok"))
        );
    }
}
