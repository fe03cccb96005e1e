//! XML bodies compared as documents: the XML protocols' tests give bodies
//! indented for reading, with empty elements self-closed, and leave out
//! what a server adds (`ResponseMetadata`, the root's namespace on an
//! error); what they give must be there, in order, with the same text.

use std::collections::BTreeMap;

use quick_xml::events::Event;

/// An element: its name, attributes, children and text (trimmed).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Element {
    pub name: String,
    pub attributes: BTreeMap<String, String>,
    pub children: Vec<Element>,
    pub text: String,
}

/// The document's root element.
pub fn parse(xml: &[u8]) -> Result<Element, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        match reader.read_event().map_err(|e| format!("not XML: {e}"))? {
            Event::Start(start) => stack.push(element(&start)?),
            Event::Empty(start) => {
                let element = element(&start)?;
                stack.last_mut().expect("the document").children.push(element);
            }
            Event::End(_) => {
                let done = stack.pop().expect("an open element");
                stack.last_mut().ok_or("an end without a start")?.children.push(done);
            }
            Event::Text(text) => {
                let text = text.decode().map_err(|e| e.to_string())?;
                let text = quick_xml::escape::unescape(&text).map_err(|e| e.to_string())?;
                stack.last_mut().expect("the document").text.push_str(&text);
            }
            Event::GeneralRef(reference) => {
                let name = reference.decode().map_err(|e| e.to_string())?;
                let reference = format!("&{name};");
                let text = quick_xml::escape::unescape(&reference).map_err(|e| e.to_string())?;
                stack.last_mut().expect("the document").text.push_str(&text);
            }
            Event::CData(data) => {
                stack.last_mut().expect("the document").text.push_str(&String::from_utf8_lossy(&data));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = stack.pop().ok_or("no document")?;
    if !stack.is_empty() {
        return Err("an element is not closed".to_string());
    }
    let root = document.children.pop().ok_or("no root element")?;
    Ok(trimmed(root))
}

fn element(start: &quick_xml::events::BytesStart<'_>) -> Result<Element, String> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let mut attributes = BTreeMap::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        let value = attribute.unescape_value().map_err(|e| e.to_string())?.into_owned();
        attributes.insert(key, value);
    }
    Ok(Element { name, attributes, ..Element::default() })
}

/// Text between child elements is layout: an element with children has
/// none; a leaf's text is kept as it is.
fn trimmed(mut element: Element) -> Element {
    if !element.children.is_empty() {
        element.text.clear();
    }
    element.children = element.children.into_iter().map(trimmed).collect();
    element
}

/// Whether `actual` carries `expected`: the same name and text (numbers
/// compared as numbers), every expected attribute (`actual` may declare a
/// namespace more), and the expected children among its own, in any order
/// but that of elements of one name (a map's entries in any order, as a
/// JSON object's members are compared),
/// where it may have more only of what a server adds or writes at its
/// zero default. A request id is the server's own.
pub fn carries(expected: &Element, actual: &Element) -> bool {
    if expected.name != actual.name {
        return false;
    }
    let attributes = expected.attributes.iter().all(|(k, v)| actual.attributes.get(k) == Some(v))
        && actual.attributes.keys().all(|k| expected.attributes.contains_key(k) || k == "xmlns");
    let text = is_request_id(expected)
        || expected.text == actual.text
        || expected.text.parse::<f64>().ok().zip(actual.text.parse::<f64>().ok()).is_some_and(|(e, a)| e == a)
        || same_instant(&expected.text, &actual.text);
    if !(attributes && text) {
        return false;
    }
    // A map's entries may come in any order (the generated types keep maps
    // sorted): children of one name, each of two or more elements.
    let entries = |element: &Element| {
        element.children.len() > 1
            && element.children.iter().all(|c| c.name == element.children[0].name && c.children.len() >= 2)
    };
    if entries(expected) && entries(actual) && expected.children.len() == actual.children.len() {
        let mut unmatched: Vec<&Element> = actual.children.iter().collect();
        return expected.children.iter().all(|child| match unmatched.iter().position(|a| carries(child, a)) {
            Some(found) => {
                unmatched.remove(found);
                true
            }
            None => false,
        });
    }
    // The request id is the server's own, wherever the test puts it. A
    // structure's members may come in any order (as Smithy compares XML
    // bodies); elements of one name (a list's items) in the order given.
    let mut unmatched: Vec<&Element> = actual.children.iter().filter(|c| !is_request_id(c)).collect();
    for child in expected.children.iter().filter(|c| !is_request_id(c)) {
        let Some(found) = unmatched.iter().position(|a| a.name == child.name) else { return false };
        if !carries(child, unmatched[found]) {
            return false;
        }
        unmatched.remove(found);
    }
    unmatched.into_iter().all(added_by_server)
}

/// Whether two date-times name the same instant: a server writes UTC
/// (`2019-12-16T23:48:18Z`) what a test may write with an offset
/// (`2019-12-16T22:48:18-01:00`).
fn same_instant(expected: &str, actual: &str) -> bool {
    instant(expected).zip(instant(actual)).is_some_and(|(e, a)| e == a)
}

/// A date-time's seconds since the epoch (and nanoseconds), its offset
/// applied: the runtime reads UTC date-times, so an offset `±HH:MM` is
/// taken off first.
fn instant(text: &str) -> Option<(i64, u32)> {
    use protocol_tests::runtime::Timestamp;
    let (local, offset) = match text.len().checked_sub(6).map(|at| text.split_at(at)) {
        Some((local, offset)) if offset.starts_with(['+', '-']) && offset.as_bytes()[3] == b':' => {
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let hours: i64 = offset[1..3].parse().ok()?;
            let minutes: i64 = offset[4..6].parse().ok()?;
            (format!("{local}Z"), sign * (hours * 3600 + minutes * 60))
        }
        _ => (text.to_string(), 0),
    };
    let at = Timestamp::parse_date_time(&local).ok()?;
    Some((at.epoch_seconds() - offset, at.subsec_nanos()))
}

/// A request id's element: awsQuery's `RequestId`, ec2Query's
/// `requestId` (in a response) and `RequestID` (in an error).
fn is_request_id(element: &Element) -> bool {
    matches!(element.name.as_str(), "RequestId" | "requestId" | "RequestID")
}

/// What a server may write that a test leaves out: the response metadata,
/// and members at their zero default.
fn added_by_server(element: &Element) -> bool {
    matches!(element.name.as_str(), "ResponseMetadata")
        || (element.children.is_empty() && matches!(element.text.as_str(), "" | "0" | "0.0" | "false"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_compare_as_instants() {
        assert!(same_instant("2019-12-16T22:48:18-01:00", "2019-12-16T23:48:18Z"));
        assert!(same_instant("2019-12-17T00:48:18+01:00", "2019-12-16T23:48:18Z"));
        assert!(!same_instant("2019-12-17T00:48:18+02:00", "2019-12-16T23:48:18Z"));
    }

    #[test]
    fn documents_compare_as_documents() {
        let expected = parse(
            b"<R xmlns=\"https://example.com/\">\n  <Result>\n    <a>1.0</a>\n    <empty/>\n    <t>a &amp; b</t>\n  </Result>\n</R>",
        )
        .unwrap();
        let actual = parse(
            b"<R xmlns=\"https://example.com/\"><Result><a>1</a><empty></empty><t>a &amp; b</t></Result>\
              <ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></R>",
        )
        .unwrap();
        assert!(carries(&expected, &actual));
        let other = parse(b"<R xmlns=\"https://example.com/\"><Result><a>2</a></Result></R>").unwrap();
        assert!(!carries(&expected, &other));
    }
}
