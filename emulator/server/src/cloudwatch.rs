//! CloudWatch: metrics and alarms, in memory or, with `--data-dir`, on disk
//! too, in every protocol the model lists (RPC v2 CBOR for current SDKs,
//! awsJson1.0, awsQuery for older ones). Data points are charged to the
//! state budget: CloudWatch keeps them for 15 months, the emulator until a
//! reset.
//!
//! Served: PutMetricData (single values, value and count arrays, and
//! statistic sets; a datum's timestamp defaults to now), ListMetrics (by
//! namespace, name and dimension filters, in pages of 500),
//! GetMetricStatistics and GetMetricData (the data points in each period
//! from the start time: SampleCount, Average, Sum, Minimum, Maximum and
//! percentiles `pNN`/`pNN.N`; GetMetricData newest first unless asked
//! otherwise, metric math expressions answered `InternalError` with a
//! message, since the emulator evaluates none), PutMetricAlarm (which keeps
//! the alarm in `INSUFFICIENT_DATA`; alarms are not evaluated) and
//! DescribeAlarms (by names or prefix, and state) and DeleteAlarms.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use emulator_generated::cloudwatch::error::{
    InvalidNextToken, InvalidParameterCombinationException, InvalidParameterValueException,
    MissingRequiredParameterException, ResourceNotFound,
};
use emulator_generated::cloudwatch::operation::delete_alarms::{DeleteAlarmsError, DeleteAlarmsInput};
use emulator_generated::cloudwatch::operation::describe_alarms::{
    DescribeAlarmsError, DescribeAlarmsInput, DescribeAlarmsOutput,
};
use emulator_generated::cloudwatch::operation::get_metric_data::{
    GetMetricDataError, GetMetricDataInput, GetMetricDataOutput,
};
use emulator_generated::cloudwatch::operation::get_metric_statistics::{
    GetMetricStatisticsError, GetMetricStatisticsInput, GetMetricStatisticsOutput,
};
use emulator_generated::cloudwatch::operation::list_metrics::{ListMetricsError, ListMetricsInput, ListMetricsOutput};
use emulator_generated::cloudwatch::operation::put_metric_alarm::{PutMetricAlarmError, PutMetricAlarmInput};
use emulator_generated::cloudwatch::operation::put_metric_data::{PutMetricDataError, PutMetricDataInput};
use emulator_generated::cloudwatch::service::GraniteServiceVersion20100801;
use emulator_generated::cloudwatch::types::{
    Datapoint, Dimension, DimensionFilter, MessageData, Metric, MetricAlarm, MetricDataResult, MetricDatum, ScanBy,
    StandardUnit, StateValue, Statistic, StatusCode,
};
use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::{Timestamp, Unit, UnmodelledError};

use crate::quota::{Budget, Charge};
use crate::store::{self, Change, Store, StoreError};
use crate::{ACCOUNT_ID, REGION, now};

/// The name of the service's records.
const SERVICE: &str = "cloudwatch";
/// What a kept data point costs the state budget, beyond its samples.
const POINT_BYTES: usize = 96;

/// Metrics listed per page, as CloudWatch lists them.
const PAGE: usize = 500;

/// A metric: its namespace, name and dimensions (sorted by name, as a
/// metric is the same whatever order they are sent in).
type MetricKey = (String, String, Vec<(String, String)>);

/// What was put for one metric at one time: samples (a value and how many
/// times it was seen) or a statistic set.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct Point {
    at: Timestamp,
    samples: Vec<(f64, f64)>,
    set: Option<Summary>,
    unit: Option<StandardUnit>,
}

/// Count, sum, minimum and maximum of some samples.
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
struct Summary {
    count: f64,
    sum: f64,
    min: f64,
    max: f64,
}

impl Summary {
    fn merge(self, other: Summary) -> Summary {
        Summary {
            count: self.count + other.count,
            sum: self.sum + other.sum,
            min: self.min.min(other.min),
            max: self.max.max(other.max),
        }
    }
}

impl Point {
    fn summary(&self) -> Option<Summary> {
        let samples =
            self.samples.iter().map(|&(value, count)| Summary { count, sum: value * count, min: value, max: value });
        samples.chain(self.set).reduce(Summary::merge)
    }
}

/// The metrics and alarms.
pub struct CloudWatch {
    metrics: Mutex<Metrics>,
    alarms: Mutex<BTreeMap<String, MetricAlarm>>,
    /// The key of the next record of data points.
    next_batch: AtomicU64,
    store: Arc<Store>,
    budget: Arc<Budget>,
}

/// The data points of every metric, and their shares of the state budget
/// (one per PutMetricData call).
#[derive(Default)]
struct Metrics {
    points: BTreeMap<MetricKey, Vec<Point>>,
    charges: Vec<Charge>,
}

impl CloudWatch {
    /// The service, with the metrics and alarms an earlier run left in
    /// `store`, data points charged to `budget`.
    pub fn new(store: Arc<Store>, budget: Arc<Budget>) -> Result<Self, StoreError> {
        let mut metrics = Metrics::default();
        let mut next_batch = 0;
        for (key, batch) in store.load::<Vec<(MetricKey, Point)>>(SERVICE, "data")? {
            let corrupt = || StoreError::corrupt("CloudWatch's data points");
            next_batch = key.parse::<u64>().map_err(|_| corrupt())? + 1;
            metrics.charges.push(budget.charge(batch_bytes(&batch)).map_err(|_| corrupt())?);
            for (key, point) in batch {
                metrics.points.entry(key).or_default().push(point);
            }
        }
        let alarms = store.load(SERVICE, "alarm")?.into_iter().collect();
        Ok(CloudWatch {
            metrics: Mutex::new(metrics),
            alarms: Mutex::new(alarms),
            next_batch: AtomicU64::new(next_batch),
            store,
            budget,
        })
    }

    /// Forgets every metric and alarm.
    pub fn reset(&self) {
        *self.metrics() = Metrics::default();
        self.alarms().clear();
        if let Err(e) = self.store.clear(SERVICE) {
            tracing::error!(%e, "CloudWatch could not forget its state");
        }
    }

    fn commit(&self, change: Change) -> Result<(), UnmodelledError> {
        self.store.commit(SERVICE, change).map_err(|e| {
            tracing::error!(%e, "CloudWatch could not keep its state");
            UnmodelledError::server("InternalServiceError", "Internal service error").with_status(500)
        })
    }

    fn metrics(&self) -> MutexGuard<'_, Metrics> {
        self.metrics.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn alarms(&self) -> MutexGuard<'_, BTreeMap<String, MetricAlarm>> {
        self.alarms.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn invalid(message: String) -> InvalidParameterValueException {
    InvalidParameterValueException { message: Some(message) }
}

/// What a batch of data points costs the state budget.
fn batch_bytes(batch: &[(MetricKey, Point)]) -> usize {
    batch.iter().map(|(_, point)| POINT_BYTES + point.samples.len() * 16).sum()
}

/// A metric's key, from its parts as sent.
fn key(namespace: &str, name: &str, dimensions: Option<&[Dimension]>) -> MetricKey {
    let mut dimensions: Vec<(String, String)> =
        dimensions.unwrap_or_default().iter().map(|d| (d.name.clone(), d.value.clone())).collect();
    dimensions.sort();
    dimensions.dedup();
    (namespace.to_string(), name.to_string(), dimensions)
}

/// The point a datum puts, checked as CloudWatch checks it.
fn point(datum: MetricDatum, index: usize) -> Result<Point, PutMetricDataError> {
    let at = datum.timestamp.or_else(now).unwrap_or(Timestamp::from_epoch_seconds(0).expect("the epoch"));
    let finite = |value: f64| value.is_finite() && value.abs() <= 2f64.powi(360);
    let place = format!("MetricData.member.{}", index + 1);
    let samples = match (datum.values, datum.counts) {
        (Some(values), counts) => {
            let counts = counts.unwrap_or_else(|| vec![1.0; values.len()]);
            if counts.len() != values.len() {
                let message = format!("The parameters {place}.Values and {place}.Counts must be of the same size.");
                return Err(InvalidParameterValueException { message: Some(message) }.into());
            }
            values.into_iter().zip(counts).collect()
        }
        (None, Some(_)) => {
            let message = format!("The parameter {place}.Counts may only be given with {place}.Values.");
            return Err(InvalidParameterCombinationException { message: Some(message) }.into());
        }
        // A statistic set alone puts no single value.
        (None, None) if datum.statistic_values.is_some() => Vec::new(),
        (None, None) => vec![(datum.value, 1.0)],
    };
    if let Some((value, _)) = samples.iter().find(|(value, count)| !finite(*value) || !finite(*count)) {
        return Err(invalid(format!("The value {value} for parameter {place}.Value is invalid.")).into());
    }
    let set =
        datum.statistic_values.map(|s| Summary { count: s.sample_count, sum: s.sum, min: s.minimum, max: s.maximum });
    if let Some(set) = set {
        if set.count <= 0.0 || set.min > set.max || ![set.count, set.sum, set.min, set.max].into_iter().all(finite) {
            return Err(invalid(format!("The parameter {place}.StatisticValues is invalid.")).into());
        }
    }
    Ok(Point { at, samples, set, unit: datum.unit })
}

/// A statistic's value over `points`: one of the five, or a percentile
/// `pNN` (nearest rank over the samples put one by one).
fn statistic(stat: &str, points: &[&Point]) -> Option<f64> {
    let summary = points.iter().filter_map(|p| p.summary()).reduce(Summary::merge)?;
    Some(match stat {
        "SampleCount" => summary.count,
        "Sum" => summary.sum,
        "Minimum" => summary.min,
        "Maximum" => summary.max,
        "Average" => summary.sum / summary.count,
        percentile => {
            let rank = percentile_of(percentile)?;
            let mut samples: Vec<(f64, f64)> = points.iter().flat_map(|p| p.samples.iter().copied()).collect();
            samples.sort_by(|a, b| a.0.total_cmp(&b.0));
            let total: f64 = samples.iter().map(|(_, count)| count).sum();
            let wanted = (rank / 100.0 * total).ceil().max(1.0);
            let mut seen = 0.0;
            samples
                .into_iter()
                .find(|(_, count)| {
                    seen += count;
                    seen >= wanted
                })?
                .0
        }
    })
}

/// The percentile a statistic names (`p90`, `p99.9`), if it names one.
fn percentile_of(stat: &str) -> Option<f64> {
    stat.strip_prefix('p')?.parse().ok().filter(|p: &f64| (0.0..=100.0).contains(p))
}

/// Whether `stat` is one CloudWatch computes: the five, or a percentile.
fn known_statistic(stat: &str) -> bool {
    matches!(stat, "SampleCount" | "Sum" | "Minimum" | "Maximum" | "Average") || percentile_of(stat).is_some()
}

/// The periods from `start` to `end` each of `points` falls in: the start
/// of each period, and the points in it, oldest first.
fn periods(points: &[Point], start: Timestamp, end: Timestamp, period: i32) -> Vec<(i64, Vec<&Point>)> {
    let (start, end, period) = (start.epoch_seconds(), end.epoch_seconds(), i64::from(period.max(1)));
    let mut periods: BTreeMap<i64, Vec<&Point>> = BTreeMap::new();
    for point in points {
        let at = point.at.epoch_seconds();
        if (start..end).contains(&at) {
            periods.entry(start + (at - start) / period * period).or_default().push(point);
        }
    }
    periods.into_iter().collect()
}

/// A period CloudWatch accepts: 1, 5, 10, 30 or a multiple of 60 seconds.
fn check_period(period: i32, name: &str) -> Result<(), InvalidParameterValueException> {
    if period > 0 && (matches!(period, 1 | 5 | 10 | 30) || period % 60 == 0) {
        return Ok(());
    }
    Err(invalid(format!("The parameter {name} must be a valid period (1, 5, 10, 30, or a multiple of 60).")))
}

fn dimensions_of(key: &MetricKey) -> Option<Vec<Dimension>> {
    let dimensions: Vec<Dimension> =
        key.2.iter().map(|(name, value)| Dimension { name: name.clone(), value: value.clone() }).collect();
    (!dimensions.is_empty()).then_some(dimensions)
}

/// A `NextToken` for the page after `key`: its parts, NUL-separated, in
/// hexadecimal.
fn to_token(key: &MetricKey) -> String {
    let mut parts = vec![key.0.as_str(), key.1.as_str()];
    parts.extend(key.2.iter().flat_map(|(name, value)| [name.as_str(), value.as_str()]));
    parts.join("\0").bytes().map(|b| format!("{b:02x}")).collect()
}

/// The key a `NextToken` names.
fn from_token(token: &str) -> Option<MetricKey> {
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| token.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    let mut parts = text.split('\0').map(str::to_string);
    let (namespace, name) = (parts.next()?, parts.next()?);
    let rest: Vec<String> = parts.collect();
    if rest.len() % 2 != 0 {
        return None;
    }
    let dimensions = rest.chunks(2).map(|pair| (pair[0].clone(), pair[1].clone())).collect();
    Some((namespace, name, dimensions))
}

/// Whether the metric's dimensions pass every filter.
fn passes(dimensions: &[(String, String)], filters: &[DimensionFilter]) -> bool {
    filters.iter().all(|filter| {
        dimensions.iter().any(|(name, value)| *name == filter.name && filter.value.as_ref().is_none_or(|v| v == value))
    })
}

impl GraniteServiceVersion20100801 for CloudWatch {
    async fn put_metric_data(&self, _: &RequestContext, input: PutMetricDataInput) -> Result<Unit, PutMetricDataError> {
        if input.namespace.starts_with("AWS/") {
            let message = "The value AWS/ for parameter Namespace is invalid.".to_string();
            return Err(invalid(message).into());
        }
        let data = input.metric_data.unwrap_or_default();
        if data.is_empty() && input.entity_metric_data.is_none() {
            let message = "The parameter MetricData is required.".to_string();
            return Err(MissingRequiredParameterException { message: Some(message) }.into());
        }
        // Every datum is checked before any is kept.
        let mut points = Vec::with_capacity(data.len());
        for (index, datum) in data.into_iter().enumerate() {
            let key = key(&input.namespace, &datum.metric_name, datum.dimensions.as_deref());
            points.push((key, point(datum, index)?));
        }
        let charge = self
            .budget
            .charge(batch_bytes(&points))
            .map_err(|e| UnmodelledError::client("LimitExceededException", e.message()))?;
        let mut metrics = self.metrics();
        if self.store.is_durable() {
            let batch = self.next_batch.fetch_add(1, Ordering::Relaxed);
            self.commit(Change::default().put("data", format!("{batch:020}"), store::record(&points)))?;
        }
        metrics.charges.push(charge);
        for (key, point) in points {
            metrics.points.entry(key).or_default().push(point);
        }
        Ok(Unit {})
    }

    async fn list_metrics(
        &self,
        _: &RequestContext,
        input: ListMetricsInput,
    ) -> Result<ListMetricsOutput, ListMetricsError> {
        let filters = input.dimensions.unwrap_or_default();
        let after: Option<MetricKey> = match input.next_token.as_deref() {
            None => None,
            Some(token) => Some(from_token(token).ok_or_else(|| invalid("The NextToken is invalid.".into()))?),
        };
        let guard = self.metrics();
        let metrics = &guard.points;
        let matching = metrics.keys().filter(|(namespace, name, dimensions)| {
            input.namespace.as_ref().is_none_or(|n| n == namespace)
                && input.metric_name.as_ref().is_none_or(|n| n == name)
                && passes(dimensions, &filters)
        });
        let page: Vec<&MetricKey> =
            matching.filter(|key| after.as_ref().is_none_or(|after| *key > after)).take(PAGE + 1).collect();
        let next_token = (page.len() > PAGE).then(|| to_token(page[PAGE - 1]));
        let listed = page.iter().take(PAGE).map(|key| Metric {
            namespace: Some(key.0.clone()),
            metric_name: Some(key.1.clone()),
            dimensions: dimensions_of(key),
        });
        Ok(ListMetricsOutput { metrics: Some(listed.collect()), next_token, owning_accounts: None })
    }

    async fn get_metric_statistics(
        &self,
        _: &RequestContext,
        input: GetMetricStatisticsInput,
    ) -> Result<GetMetricStatisticsOutput, GetMetricStatisticsError> {
        let statistics = input.statistics.unwrap_or_default();
        let extended = input.extended_statistics.unwrap_or_default();
        if statistics.is_empty() == extended.is_empty() {
            let message = "Exactly one of the parameters Statistics or ExtendedStatistics must be given.".to_string();
            return Err(InvalidParameterCombinationException { message: Some(message) }.into());
        }
        check_period(input.period, "Period")?;
        if let Some(bad) = extended.iter().find(|stat| percentile_of(stat).is_none()) {
            return Err(invalid(format!("The value {bad} for parameter ExtendedStatistics is invalid.")).into());
        }
        let key = key(&input.namespace, &input.metric_name, input.dimensions.as_deref());
        let guard = self.metrics();
        let metrics = &guard.points;
        let points: Vec<Point> = metrics
            .get(&key)
            .map(|points| {
                points.iter().filter(|p| input.unit.is_none_or(|unit| p.unit == Some(unit))).cloned().collect()
            })
            .unwrap_or_default();
        let datapoints =
            periods(&points, input.start_time, input.end_time, input.period).into_iter().map(|(at, points)| {
                let stat = |statistic_kind: Statistic| {
                    if statistics.contains(&statistic_kind) {
                        statistic(statistic_kind.as_str(), &points).unwrap_or(0.0)
                    } else {
                        0.0
                    }
                };
                let extended: BTreeMap<String, f64> =
                    extended.iter().filter_map(|name| Some((name.clone(), statistic(name, &points)?))).collect();
                Datapoint {
                    timestamp: Timestamp::from_epoch_seconds(at),
                    sample_count: stat(Statistic::SampleCount),
                    average: stat(Statistic::Average),
                    sum: stat(Statistic::Sum),
                    minimum: stat(Statistic::Minimum),
                    maximum: stat(Statistic::Maximum),
                    unit: input.unit.or_else(|| points.iter().find_map(|p| p.unit)).or(Some(StandardUnit::None)),
                    extended_statistics: (!extended.is_empty()).then_some(extended),
                }
            });
        Ok(GetMetricStatisticsOutput { label: Some(input.metric_name.clone()), datapoints: Some(datapoints.collect()) })
    }

    async fn get_metric_data(
        &self,
        _: &RequestContext,
        input: GetMetricDataInput,
    ) -> Result<GetMetricDataOutput, GetMetricDataError> {
        if input.next_token.is_some() {
            return Err(InvalidNextToken { message: Some("The NextToken is invalid.".to_string()) }.into());
        }
        let ascending = input.scan_by == Some(ScanBy::TimestampAscending);
        let guard = self.metrics();
        let metrics = &guard.points;
        let mut results = Vec::with_capacity(input.metric_data_queries.len());
        for query in &input.metric_data_queries {
            let Some(stat) = &query.metric_stat else {
                results.push(MetricDataResult {
                    id: Some(query.id.clone()),
                    label: query.label.clone().or_else(|| Some(query.id.clone())),
                    timestamps: Some(Vec::new()),
                    values: Some(Vec::new()),
                    status_code: Some(StatusCode::InternalError),
                    messages: Some(vec![MessageData {
                        code: Some("Unsupported".to_string()),
                        value: Some("metric math expressions are not evaluated by this emulator".to_string()),
                    }]),
                });
                continue;
            };
            // Not modelled for GetMetricData: CloudWatch's common error.
            let unmodelled = |e: InvalidParameterValueException| {
                UnmodelledError::client("InvalidParameterValue", e.message.unwrap_or_default())
            };
            check_period(stat.period, "MetricDataQueries.member.MetricStat.Period").map_err(unmodelled)?;
            if !known_statistic(&stat.stat) {
                let message = format!("The value {} for parameter MetricStat.Stat is invalid.", stat.stat);
                return Err(unmodelled(invalid(message)).into());
            }
            let metric = &stat.metric;
            let key = key(
                metric.namespace.as_deref().unwrap_or_default(),
                metric.metric_name.as_deref().unwrap_or_default(),
                metric.dimensions.as_deref(),
            );
            let points: Vec<Point> = metrics.get(&key).cloned().unwrap_or_default();
            let mut values: Vec<(i64, f64)> = periods(&points, input.start_time, input.end_time, stat.period)
                .into_iter()
                .filter_map(|(at, points)| Some((at, statistic(&stat.stat, &points)?)))
                .collect();
            if !ascending {
                values.reverse();
            }
            if input.max_datapoints > 0 {
                values.truncate(usize::try_from(input.max_datapoints).unwrap_or(usize::MAX));
            }
            results.push(MetricDataResult {
                id: Some(query.id.clone()),
                label: query.label.clone().or_else(|| metric.metric_name.clone()),
                timestamps: Some(values.iter().filter_map(|(at, _)| Timestamp::from_epoch_seconds(*at)).collect()),
                values: Some(values.iter().map(|(_, value)| *value).collect()),
                status_code: Some(StatusCode::Complete),
                messages: None,
            });
        }
        Ok(GetMetricDataOutput { metric_data_results: Some(results), next_token: None, messages: None })
    }

    async fn put_metric_alarm(
        &self,
        _: &RequestContext,
        input: PutMetricAlarmInput,
    ) -> Result<Unit, PutMetricAlarmError> {
        if input.metric_name.is_none() && input.metrics.is_none() {
            let message = "Exactly one of the parameters MetricName or Metrics must be given.".to_string();
            return Err(PutMetricAlarmError::Unmodelled(UnmodelledError::client("ValidationError", message)));
        }
        let now = now();
        let arn = format!("arn:aws:cloudwatch:{REGION}:{ACCOUNT_ID}:alarm:{}", input.alarm_name);
        let alarm = MetricAlarm {
            alarm_name: Some(input.alarm_name.clone()),
            alarm_arn: Some(arn),
            alarm_description: input.alarm_description,
            alarm_configuration_updated_timestamp: now,
            actions_enabled: input.actions_enabled,
            ok_actions: input.ok_actions,
            alarm_actions: input.alarm_actions,
            insufficient_data_actions: input.insufficient_data_actions,
            state_value: Some(StateValue::InsufficientData),
            state_reason: Some("Unchecked: Initial alarm creation".to_string()),
            state_reason_data: None,
            state_updated_timestamp: now,
            metric_name: input.metric_name,
            namespace: input.namespace,
            statistic: input.statistic,
            extended_statistic: input.extended_statistic,
            dimensions: input.dimensions,
            period: input.period,
            unit: input.unit,
            evaluation_periods: input.evaluation_periods,
            datapoints_to_alarm: input.datapoints_to_alarm,
            threshold: input.threshold,
            comparison_operator: input.comparison_operator,
            treat_missing_data: input.treat_missing_data,
            evaluate_low_sample_count_percentile: input.evaluate_low_sample_count_percentile,
            metrics: input.metrics,
            threshold_metric_id: input.threshold_metric_id,
            evaluation_state: None,
            state_transitioned_timestamp: now,
            evaluation_criteria: input.evaluation_criteria,
            evaluation_interval: input.evaluation_interval,
        };
        let mut alarms = self.alarms();
        self.commit(Change::default().put("alarm", input.alarm_name.clone(), store::record(&alarm)))?;
        alarms.insert(input.alarm_name, alarm);
        Ok(Unit {})
    }

    async fn delete_alarms(&self, _: &RequestContext, input: DeleteAlarmsInput) -> Result<Unit, DeleteAlarmsError> {
        // One that does not exist fails the call, and none is deleted.
        let mut alarms = self.alarms();
        if input.alarm_names.iter().any(|name| !alarms.contains_key(name)) {
            return Err(ResourceNotFound { message: Some("The named resource does not exist.".to_string()) }.into());
        }
        let change =
            input.alarm_names.iter().fold(Change::default(), |change, name| change.delete("alarm", name.clone()));
        self.commit(change)?;
        for name in &input.alarm_names {
            alarms.remove(name);
        }
        Ok(Unit {})
    }

    async fn describe_alarms(
        &self,
        _: &RequestContext,
        input: DescribeAlarmsInput,
    ) -> Result<DescribeAlarmsOutput, DescribeAlarmsError> {
        if input.next_token.is_some() {
            return Err(InvalidNextToken { message: Some("The NextToken is invalid.".to_string()) }.into());
        }
        let alarms = self.alarms();
        let names = input.alarm_names.unwrap_or_default();
        let found = alarms.iter().filter(|(name, alarm)| {
            (names.is_empty() || names.contains(name))
                && input.alarm_name_prefix.as_ref().is_none_or(|prefix| name.starts_with(prefix.as_str()))
                && input.state_value.is_none_or(|state| alarm.state_value == Some(state))
        });
        let limit = input.max_records.and_then(|n| usize::try_from(n).ok()).unwrap_or(100);
        let metric_alarms = found.take(limit).map(|(_, alarm)| alarm.clone()).collect();
        Ok(DescribeAlarmsOutput {
            composite_alarms: Some(Vec::new()),
            metric_alarms: Some(metric_alarms),
            next_token: None,
        })
    }
}
