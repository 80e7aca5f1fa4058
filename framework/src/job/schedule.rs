//! [`Schedule`]: when a job runs.

use std::fmt;
use std::time::Duration;

/// When a scheduled job runs: every fixed period, or (feature `cron`) at the times a cron
/// expression matches.
///
/// ```
/// use std::time::Duration;
/// use oxygram::job::Schedule;
///
/// let every_minute = Schedule::every(Duration::from_secs(60));
/// assert_eq!(every_minute.to_string(), "every 60s");
/// ```
#[derive(Clone)]
pub struct Schedule(Kind);

#[derive(Clone)]
enum Kind {
    Every(Duration),
    #[cfg(feature = "cron")]
    Cron {
        expression: String,
        cron: Box<croner::Cron>,
    },
}

/// A schedule that cannot work: a zero period, or a cron expression that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// `every(Duration::ZERO)`.
    #[error("the period is zero; a job runs at most once per period")]
    ZeroPeriod,
    /// A cron expression that does not parse.
    #[error("the cron expression {expression:?} is invalid: {message}")]
    BadCron {
        /// The expression as written.
        expression: String,
        /// What the cron parser said.
        message: String,
    },
    /// A cron expression that never matches again (e.g. a date in the past).
    #[error("the cron expression {expression:?} matches no future time")]
    NeverDue {
        /// The expression as written.
        expression: String,
    },
}

impl Schedule {
    /// Every `period`, the first run one period after the start.
    pub fn every(period: Duration) -> Self {
        Schedule(Kind::Every(period))
    }

    /// At the times `expression` matches, in the system's time zone: five fields
    /// (`minute hour day-of-month month day-of-week`, e.g. `"0 9 * * MON-FRI"`) or six with
    /// seconds first (`"*/10 * * * * *"`), as parsed by the `croner` crate (`L`, `W`, `#`
    /// and names like `JAN` and `MON` work; `@daily` and the other nicknames too).
    ///
    /// ```
    /// use oxygram::job::Schedule;
    ///
    /// assert!(Schedule::cron("0 9 * * MON-FRI").is_ok());
    /// let error = Schedule::cron("0 25 * * *").unwrap_err();
    /// assert!(error.to_string().contains("\"0 25 * * *\""), "{error}");
    /// ```
    #[cfg(feature = "cron")]
    pub fn cron(expression: &str) -> Result<Self, ScheduleError> {
        use croner::parser::{CronParser, Seconds};
        let cron = CronParser::builder()
            .seconds(Seconds::Optional)
            .build()
            .parse(expression)
            .map_err(|e| ScheduleError::BadCron {
                expression: expression.to_owned(),
                message: e.to_string(),
            })?;
        Ok(Schedule(Kind::Cron {
            expression: expression.to_owned(),
            cron: Box::new(cron),
        }))
    }

    /// Whether the schedule can run at all (checked when the app starts).
    pub(crate) fn validate(&self) -> Result<(), ScheduleError> {
        match &self.0 {
            Kind::Every(period) if period.is_zero() => Err(ScheduleError::ZeroPeriod),
            Kind::Every(_) => Ok(()),
            #[cfg(feature = "cron")]
            Kind::Cron { .. } => self.cron_delay().map(|_| ()),
        }
    }

    /// The fixed period, for `every` schedules.
    pub(crate) fn period(&self) -> Option<Duration> {
        match &self.0 {
            Kind::Every(period) => Some(*period),
            #[cfg(feature = "cron")]
            Kind::Cron { .. } => None,
        }
    }

    /// How long from now until the next time a cron schedule matches.
    #[cfg(feature = "cron")]
    pub(crate) fn cron_delay(&self) -> Result<Duration, ScheduleError> {
        let Kind::Cron { expression, cron } = &self.0 else {
            return Ok(Duration::ZERO);
        };
        let now = jiff::Zoned::now();
        let next = cron
            .find_next_occurrence(&now, false)
            .map_err(|_| ScheduleError::NeverDue {
                expression: expression.clone(),
            })?;
        let delay = now.duration_until(&next);
        Ok(Duration::try_from(delay).unwrap_or(Duration::ZERO))
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Every(period) => write!(f, "every {period:?}"),
            #[cfg(feature = "cron")]
            Kind::Cron { expression, .. } => write!(f, "cron {expression:?}"),
        }
    }
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schedule({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_period_is_refused() {
        assert_eq!(
            Schedule::every(Duration::ZERO).validate(),
            Err(ScheduleError::ZeroPeriod)
        );
        assert!(Schedule::every(Duration::from_millis(1)).validate().is_ok());
    }

    #[cfg(feature = "cron")]
    #[test]
    fn cron_expressions_parse_or_say_why_not() {
        let every_second = Schedule::cron("* * * * * *").unwrap();
        let delay = every_second.cron_delay().unwrap();
        assert!(delay <= Duration::from_secs(1), "{delay:?}");
        let error = Schedule::cron("61 * * * *").unwrap_err();
        assert!(
            matches!(&error, ScheduleError::BadCron { expression, .. } if expression == "61 * * * *"),
            "{error}"
        );
        assert!(
            Schedule::cron("0 9 * * MON-FRI")
                .unwrap()
                .validate()
                .is_ok()
        );
        assert_eq!(
            Schedule::cron("@daily").unwrap().to_string(),
            "cron \"@daily\""
        );
    }
}
