//! Declarative partitioning: `PARTITION BY RANGE | LIST | HASH` and the partitions.

use std::fmt;

/// How rows are assigned to partitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PartitionStrategy {
    /// `RANGE`: each partition holds `[from, to)` of the key.
    Range,
    /// `LIST`: each partition holds listed key values.
    List,
    /// `HASH`: rows spread by `hash(key) % modulus`.
    Hash,
}

impl PartitionStrategy {
    /// The SQL keyword.
    pub fn as_sql(self) -> &'static str {
        match self {
            Self::Range => "RANGE",
            Self::List => "LIST",
            Self::Hash => "HASH",
        }
    }
}

/// The bounds of one partition. Values are SQL literals or expressions as
/// PostgreSQL accepts them in `FOR VALUES` (`'2026-02-01 00:00:00+00'`, `MINVALUE`, `'eu'`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PartitionBound {
    /// `FOR VALUES FROM (from) TO (to)`, one value per key column.
    Range {
        /// Inclusive lower bound.
        from: Vec<String>,
        /// Exclusive upper bound.
        to: Vec<String>,
    },
    /// `FOR VALUES IN (values)`.
    List(Vec<String>),
    /// `FOR VALUES WITH (MODULUS m, REMAINDER r)`.
    Hash {
        /// Number of hash partitions.
        modulus: u32,
        /// This partition's remainder.
        remainder: u32,
    },
}

/// One partition (`CREATE TABLE name PARTITION OF parent FOR VALUES ...`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Partition {
    /// The partition's table name (in the parent's schema).
    pub name: String,
    /// Its bounds.
    pub bound: PartitionBound,
}

impl Partition {
    /// A partition with explicit bounds.
    pub fn new(name: impl Into<String>, bound: PartitionBound) -> Self {
        Self { name: name.into(), bound }
    }
}

/// A calendar period for time-range partitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    /// One partition per day, named `{table}_yyyy_mm_dd`.
    Day,
    /// One partition per month, named `{table}_yyyy_mm`.
    Month,
    /// One partition per year, named `{table}_yyyy`.
    Year,
}

impl Period {
    /// The `date_trunc` field name.
    pub fn as_sql(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Month => "month",
            Self::Year => "year",
        }
    }
}

/// A day of the proleptic Gregorian calendar, for partition windows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    /// Year.
    pub year: i32,
    /// Month, 1..=12.
    pub month: u32,
    /// Day, 1..=31.
    pub day: u32,
}

impl CivilDate {
    /// A date; `None` if it does not exist.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(Self { year, month, day })
    }

    /// The first day of the period containing `self`.
    pub fn truncate(self, period: Period) -> Self {
        match period {
            Period::Day => self,
            Period::Month => Self { day: 1, ..self },
            Period::Year => Self { month: 1, day: 1, ..self },
        }
    }

    /// The start of the next period.
    pub fn next(self, period: Period) -> Self {
        match period {
            Period::Day if self.day < days_in_month(self.year, self.month) => Self { day: self.day + 1, ..self },
            Period::Day | Period::Month if self.month < 12 => Self { year: self.year, month: self.month + 1, day: 1 },
            Period::Day | Period::Month => Self { year: self.year + 1, month: 1, day: 1 },
            Period::Year => Self { year: self.year + 1, month: 1, day: 1 },
        }
    }

    /// The suffix of a partition for the period starting here (`2026_02`).
    pub fn suffix(self, period: Period) -> String {
        match period {
            Period::Day => format!("{:04}_{:02}_{:02}", self.year, self.month, self.day),
            Period::Month => format!("{:04}_{:02}", self.year, self.month),
            Period::Year => format!("{:04}", self.year),
        }
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A window of time-range partitions: `count` periods from `from`, declared in the
/// DDL, plus `ahead` periods from the current date created when the DDL runs (and
/// whenever the generated `ensure_partitions` function is called, e.g. from pg_cron).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PeriodWindow {
    /// Period length.
    pub period: Period,
    /// First period declared statically.
    pub from: CivilDate,
    /// Number of periods declared statically.
    pub count: u32,
    /// Periods from today ensured at apply time (0 for none).
    pub ahead: u32,
}

/// `PARTITION BY ...` of a table, and its partitions.
///
/// ```
/// use pgarchitect_core::model::{CivilDate, Partitioning};
/// let p = Partitioning::range(["created_at"]).monthly(CivilDate::new(2026, 1, 1).unwrap(), 3).ahead(2).with_default();
/// assert_eq!(p.window.unwrap().count, 3);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Partitioning {
    /// Strategy.
    pub strategy: PartitionStrategy,
    /// Partition key columns.
    pub columns: Vec<String>,
    /// Explicit partitions (after `build()`, also those of `window` and `hash_modulus`).
    pub partitions: Vec<Partition>,
    /// Time window of range partitions, expanded by `build()`.
    pub window: Option<PeriodWindow>,
    /// `HASH` partitions to create (`{table}_p{remainder}`), expanded by `build()`.
    pub hash_modulus: Option<u32>,
    /// A `DEFAULT` partition named `{table}_default` for rows no other partition takes.
    pub default_partition: bool,
}

impl Partitioning {
    fn new<S: Into<String>>(strategy: PartitionStrategy, columns: impl IntoIterator<Item = S>) -> Self {
        Self {
            strategy,
            columns: columns.into_iter().map(Into::into).collect(),
            partitions: Vec::new(),
            window: None,
            hash_modulus: None,
            default_partition: false,
        }
    }

    /// `PARTITION BY RANGE (columns)`.
    pub fn range<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        Self::new(PartitionStrategy::Range, columns)
    }

    /// `PARTITION BY LIST (column)`.
    pub fn list(column: impl Into<String>) -> Self {
        Self::new(PartitionStrategy::List, [column])
    }

    /// `PARTITION BY HASH (columns)` with `modulus` partitions.
    pub fn hash<S: Into<String>>(columns: impl IntoIterator<Item = S>, modulus: u32) -> Self {
        let mut p = Self::new(PartitionStrategy::Hash, columns);
        p.hash_modulus = Some(modulus);
        p
    }

    fn window(mut self, period: Period, from: CivilDate, count: u32) -> Self {
        self.window = Some(PeriodWindow { period, from: from.truncate(period), count, ahead: 0 });
        self
    }

    /// Daily range partitions for `count` days from `from`.
    pub fn daily(self, from: CivilDate, count: u32) -> Self {
        self.window(Period::Day, from, count)
    }

    /// Monthly range partitions for `count` months from `from`'s month.
    pub fn monthly(self, from: CivilDate, count: u32) -> Self {
        self.window(Period::Month, from, count)
    }

    /// Yearly range partitions for `count` years from `from`'s year.
    pub fn yearly(self, from: CivilDate, count: u32) -> Self {
        self.window(Period::Year, from, count)
    }

    /// Also ensure the current period and `periods - 1` after it exist when the DDL
    /// is applied (requires a time window).
    pub fn ahead(mut self, periods: u32) -> Self {
        if let Some(w) = &mut self.window {
            w.ahead = periods;
        }
        self
    }

    /// Adds a list partition.
    pub fn values<S: Into<String>>(mut self, name: impl Into<String>, values: impl IntoIterator<Item = S>) -> Self {
        self.partitions.push(Partition::new(name, PartitionBound::List(values.into_iter().map(Into::into).collect())));
        self
    }

    /// Adds an explicit partition.
    pub fn partition(mut self, partition: Partition) -> Self {
        self.partitions.push(partition);
        self
    }

    /// Adds a `DEFAULT` partition.
    pub fn with_default(mut self) -> Self {
        self.default_partition = true;
        self
    }

    /// The name of the default partition of `table`.
    pub fn default_partition_name(table: &str) -> String {
        format!("{table}_default")
    }

    /// The names of the partitions of `table` as the DDL creates them: the listed
    /// partitions in order, then the default partition if there is one.
    pub(crate) fn partition_names<'a>(&'a self, table: &str) -> impl Iterator<Item = std::borrow::Cow<'a, str>> + 'a {
        let default = self.default_partition.then(|| std::borrow::Cow::Owned(Self::default_partition_name(table)));
        self.partitions.iter().map(|p| std::borrow::Cow::Borrowed(p.name.as_str())).chain(default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_steps() {
        let d = CivilDate::new(2024, 2, 28).unwrap();
        assert_eq!(d.next(Period::Day), CivilDate::new(2024, 2, 29).unwrap());
        assert_eq!(d.next(Period::Day).next(Period::Day), CivilDate::new(2024, 3, 1).unwrap());
        assert_eq!(CivilDate::new(2023, 12, 31).unwrap().next(Period::Day), CivilDate::new(2024, 1, 1).unwrap());
        assert_eq!(CivilDate::new(2026, 12, 1).unwrap().next(Period::Month), CivilDate::new(2027, 1, 1).unwrap());
        assert_eq!(CivilDate::new(2026, 5, 17).unwrap().truncate(Period::Year).suffix(Period::Year), "2026");
        assert!(CivilDate::new(2023, 2, 29).is_none());
        assert!(CivilDate::new(1900, 2, 29).is_none());
        assert!(CivilDate::new(2000, 2, 29).is_some());
    }
}
