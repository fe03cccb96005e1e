//! S3 Select (`SelectObjectContent`), as far as this emulator goes: the
//! SQL `SELECT * FROM S3Object [alias] [LIMIT n]` over an uncompressed CSV
//! or JSON-lines object, each record written back as CSV or JSON. The
//! answer is S3's event stream: the records in `Records` events of up to
//! 64 KiB, then `Stats` (bytes scanned, processed and returned) and `End`.
//! Any other SQL, compression or input is refused with S3's codes
//! (`UnsupportedSqlOperation`, `UnsupportedFileType`...), saying that this
//! emulator does not run it.

use emulator_generated::runtime::{Blob, UnmodelledError};
use emulator_generated::s3::types::{
    CompressionType, ContinuationEvent, EndEvent, FileHeaderInfo, InputSerialization, OutputSerialization,
    RecordsEvent, SelectObjectContentEventStream, Stats, StatsEvent,
};

/// The most record bytes one `Records` event carries.
const RECORDS_PER_EVENT: usize = 64 << 10;

fn unsupported(code: &str, what: &str) -> UnmodelledError {
    UnmodelledError::client(code, format!("{what}: this emulator runs SELECT * FROM S3Object [LIMIT n] only."))
}

/// The events answering `expression` over `object`.
pub fn select(
    object: &[u8],
    expression: &str,
    input: &InputSerialization,
    output: &OutputSerialization,
) -> Result<Vec<SelectObjectContentEventStream>, UnmodelledError> {
    let limit = parse(expression)?;
    if input.compression_type.as_ref().is_some_and(|c| *c != CompressionType::None) {
        return Err(unsupported("UnsupportedFileType", "Compressed objects are not selected"));
    }
    let text =
        std::str::from_utf8(object).map_err(|_| unsupported("InvalidTextEncoding", "The object is not UTF-8"))?;
    let records = match (&input.csv, &input.json) {
        (Some(csv), None) => {
            let delimiter = csv.field_delimiter.as_deref().unwrap_or(",");
            let mut lines = text.split(csv.record_delimiter.as_deref().unwrap_or("\n")).filter(|l| !l.is_empty());
            let header: Option<Vec<&str>> = match csv.file_header_info {
                Some(FileHeaderInfo::Use) => lines.next().map(|l| l.split(delimiter).collect()),
                Some(FileHeaderInfo::Ignore) => lines.next().map(|_| Vec::new()),
                _ => None,
            };
            let header = header.filter(|h| !h.is_empty());
            lines
                .map(|line| {
                    let fields: Vec<&str> = line.trim_end_matches('\r').split(delimiter).collect();
                    let named = fields.iter().enumerate().map(|(i, field)| {
                        let name = header
                            .as_ref()
                            .and_then(|h| h.get(i))
                            .map_or_else(|| format!("_{}", i + 1), |n| n.to_string());
                        (name, serde_json::Value::String(field.to_string()))
                    });
                    Record { fields: fields.iter().map(|f| f.to_string()).collect(), json: named.collect() }
                })
                .collect::<Vec<_>>()
        }
        (None, Some(_)) => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| match serde_json::from_str::<serde_json::Value>(line) {
                Ok(serde_json::Value::Object(json)) => {
                    let fields =
                        json.values().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect();
                    Ok(Record { fields, json })
                }
                _ => Err(unsupported("JSONParsingError", "A line of the object is not a JSON object")),
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err(unsupported("UnsupportedFileType", "Only CSV and JSON objects are selected")),
    };
    let mut returned = Vec::new();
    for record in records.iter().take(limit.unwrap_or(usize::MAX)) {
        match (&output.csv, &output.json) {
            (Some(csv), _) => {
                returned
                    .extend_from_slice(record.fields.join(csv.field_delimiter.as_deref().unwrap_or(",")).as_bytes());
                returned.extend_from_slice(csv.record_delimiter.as_deref().unwrap_or("\n").as_bytes());
            }
            (None, Some(json)) => {
                returned.extend_from_slice(serde_json::Value::Object(record.json.clone()).to_string().as_bytes());
                returned.extend_from_slice(json.record_delimiter.as_deref().unwrap_or("\n").as_bytes());
            }
            (None, None) => return Err(unsupported("MissingRequiredParameter", "No output serialization was given")),
        }
    }
    let scanned = i64::try_from(object.len()).unwrap_or(i64::MAX);
    let stats = Stats {
        bytes_scanned: Some(scanned),
        bytes_processed: Some(scanned),
        bytes_returned: Some(i64::try_from(returned.len()).unwrap_or(i64::MAX)),
    };
    let mut events: Vec<SelectObjectContentEventStream> = returned
        .chunks(RECORDS_PER_EVENT)
        .map(|chunk| SelectObjectContentEventStream::Records(RecordsEvent { payload: Some(Blob::new(chunk)) }))
        .collect();
    if events.is_empty() {
        // Nothing matched: S3 keeps the connection alive with a continuation.
        events.push(SelectObjectContentEventStream::Cont(ContinuationEvent {}));
    }
    events.push(SelectObjectContentEventStream::Stats(StatsEvent { details: Some(stats) }));
    events.push(SelectObjectContentEventStream::End(EndEvent {}));
    Ok(events)
}

/// One record: its fields in order, and as a JSON object.
struct Record {
    fields: Vec<String>,
    json: serde_json::Map<String, serde_json::Value>,
}

/// `SELECT * FROM S3Object [alias] [LIMIT n]`: the limit.
fn parse(expression: &str) -> Result<Option<usize>, UnmodelledError> {
    let words: Vec<String> =
        expression.trim().trim_end_matches(';').split_whitespace().map(str::to_ascii_uppercase).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let refused = || unsupported("UnsupportedSqlOperation", "The SQL expression is not supported");
    let rest = match words.as_slice() {
        ["SELECT", "*", "FROM", "S3OBJECT", rest @ ..] => rest,
        _ => return Err(refused()),
    };
    let rest = match rest {
        [alias, rest @ ..] if *alias != "LIMIT" => rest,
        rest => rest,
    };
    match rest {
        [] => Ok(None),
        ["LIMIT", n] => n.parse().map(Some).map_err(|_| refused()),
        _ => Err(refused()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_select_star_with_a_limit_is_read() {
        assert_eq!(parse("SELECT * FROM S3Object").unwrap(), None);
        assert_eq!(parse("select * from s3object s limit 2;").unwrap(), Some(2));
        assert!(parse("SELECT s.name FROM S3Object s").is_err());
        assert!(parse("SELECT * FROM S3Object WHERE 1 = 1").is_err());
    }
}
