//! How SNS retries a delivery to an `http` endpoint that failed (no answer,
//! or a 5xx): the subscription's delivery policy (`DeliveryPolicy`,
//! `healthyRetryPolicy`), else the topic's (`http.defaultHealthyRetryPolicy`),
//! else SNS's default, three retries 20 seconds apart. A policy has SNS's
//! four phases: retries without delay, retries at the least delay, retries
//! backing off from the least to the most delay, retries at the most.

use std::time::Duration;

use serde_json::Value;

/// The longest a policy may retry, as SNS limits HTTP/S policies.
const MOST_SECONDS: u64 = 3_600;

/// A delivery policy's retries.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    retries: u64,
    no_delay: u64,
    at_least: u64,
    at_most: u64,
    least: u64,
    most: u64,
    backoff: Backoff,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Backoff {
    Linear,
    Arithmetic,
    Geometric,
    Exponential,
}

impl Default for RetryPolicy {
    /// SNS's default for HTTP/S: three retries, 20 seconds apart.
    fn default() -> Self {
        RetryPolicy { retries: 3, no_delay: 0, at_least: 0, at_most: 0, least: 20, most: 20, backoff: Backoff::Linear }
    }
}

impl RetryPolicy {
    /// The policy a subscription's `DeliveryPolicy` and its topic's give
    /// (the subscription's first); SNS's default for what neither says.
    pub fn of(subscription: Option<&str>, topic: Option<&str>) -> RetryPolicy {
        let parse = |text: Option<&str>| text.and_then(|t| serde_json::from_str::<Value>(t).ok());
        let subscription = parse(subscription);
        let topic = parse(topic);
        let policy = subscription
            .as_ref()
            .and_then(|p| p.get("healthyRetryPolicy"))
            .or_else(|| topic.as_ref().and_then(|p| p.pointer("/http/defaultHealthyRetryPolicy")));
        let Some(policy) = policy else { return RetryPolicy::default() };
        let number = |name: &str, default: u64| policy.get(name).and_then(Value::as_u64).unwrap_or(default);
        let least = number("minDelayTarget", 20).clamp(1, MOST_SECONDS);
        let most = number("maxDelayTarget", 20).clamp(least, MOST_SECONDS);
        let backoff = match policy.get("backoffFunction").and_then(Value::as_str) {
            Some("arithmetic") => Backoff::Arithmetic,
            Some("geometric") => Backoff::Geometric,
            Some("exponential") => Backoff::Exponential,
            _ => Backoff::Linear,
        };
        RetryPolicy {
            retries: number("numRetries", 3).min(100),
            no_delay: number("numNoDelayRetries", 0),
            at_least: number("numMinDelayRetries", 0),
            at_most: number("numMaxDelayRetries", 0),
            least,
            most,
            backoff,
        }
    }

    /// The wait before each retry, in order; none past SNS's hour.
    pub fn delays(&self) -> Vec<Duration> {
        let mut left = self.retries;
        let mut take = |n: u64| {
            let taken = n.min(left);
            left -= taken;
            taken
        };
        let (no_delay, at_least, at_most) = (take(self.no_delay), take(self.at_least), take(self.at_most));
        let backing_off = left;
        let mut seconds: Vec<u64> = Vec::new();
        seconds.extend(std::iter::repeat_n(0, no_delay as usize));
        seconds.extend(std::iter::repeat_n(self.least, at_least as usize));
        for step in 1..=backing_off {
            seconds.push(self.backing_off(step, backing_off));
        }
        seconds.extend(std::iter::repeat_n(self.most, at_most as usize));
        let mut total = 0;
        seconds
            .into_iter()
            .take_while(|s| {
                total += s;
                total <= MOST_SECONDS
            })
            .map(Duration::from_secs)
            .collect()
    }

    /// The wait before the `step`th of `of` retries backing off from the
    /// least delay to the most.
    fn backing_off(&self, step: u64, of: u64) -> u64 {
        if of <= 1 {
            return self.least;
        }
        let t = (step - 1) as f64 / (of - 1) as f64;
        let (least, most) = (self.least as f64, self.most as f64);
        let seconds = match self.backoff {
            Backoff::Linear => least + (most - least) * t,
            Backoff::Arithmetic => least + (most - least) * t * t,
            Backoff::Geometric | Backoff::Exponential => least * (most / least).powf(t),
        };
        seconds.round() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(policy: &RetryPolicy) -> Vec<u64> {
        policy.delays().iter().map(Duration::as_secs).collect()
    }

    #[test]
    fn snss_default_is_three_retries_twenty_seconds_apart() {
        assert_eq!(seconds(&RetryPolicy::of(None, None)), [20, 20, 20]);
        assert_eq!(seconds(&RetryPolicy::of(Some("not json"), None)), [20, 20, 20]);
    }

    #[test]
    fn a_policy_has_four_phases_the_subscriptions_first() {
        let subscription = r#"{"healthyRetryPolicy": {"numRetries": 8, "numNoDelayRetries": 2, "numMinDelayRetries": 1,
            "numMaxDelayRetries": 1, "minDelayTarget": 1, "maxDelayTarget": 16, "backoffFunction": "exponential"}}"#;
        let topic = r#"{"http": {"defaultHealthyRetryPolicy": {"numRetries": 1, "minDelayTarget": 5}}}"#;
        assert_eq!(seconds(&RetryPolicy::of(Some(subscription), Some(topic))), [0, 0, 1, 1, 3, 6, 16, 16]);
        assert_eq!(seconds(&RetryPolicy::of(None, Some(topic))), [5]);
        let linear = r#"{"healthyRetryPolicy": {"numRetries": 3, "minDelayTarget": 10, "maxDelayTarget": 30}}"#;
        assert_eq!(seconds(&RetryPolicy::of(Some(linear), None)), [10, 20, 30]);
    }

    #[test]
    fn no_policy_retries_past_an_hour() {
        let long = r#"{"healthyRetryPolicy": {"numRetries": 100, "minDelayTarget": 600, "maxDelayTarget": 600}}"#;
        assert_eq!(seconds(&RetryPolicy::of(Some(long), None)), [600; 6]);
    }
}
