//! The date a document carries: `SOURCE_DATE_EPOCH` (read by the command line), else
//! its newest input.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use typst::foundations::Datetime;

/// The document date: `epoch` (`SOURCE_DATE_EPOCH`) when set, else the newest
/// modification time of the inputs, so unchanged inputs give identical bytes.
pub(crate) fn document_date(inputs: &[PathBuf], epoch: Option<i64>) -> Datetime {
    let seconds = epoch.unwrap_or_else(|| newest_mtime(inputs));
    datetime_from_unix(seconds)
}

/// The date of a run as `YYYY-MM-DD HH:MM UTC`: `epoch` when set, else now.
pub(crate) fn run_date(epoch: Option<i64>) -> String {
    let seconds = epoch.unwrap_or_else(|| newest_mtime(&[]));
    let date = datetime_from_unix(seconds);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        date.year().unwrap_or(1970),
        date.month().unwrap_or(1),
        date.day().unwrap_or(1),
        date.hour().unwrap_or(0),
        date.minute().unwrap_or(0)
    )
}

fn newest_mtime(inputs: &[PathBuf]) -> i64 {
    inputs
        .iter()
        .filter_map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .filter_map(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .max()
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        })
}

/// A UTC date-time from seconds since 1970 (civil-from-days, proleptic Gregorian).
pub(crate) fn datetime_from_unix(seconds: i64) -> Datetime {
    let days = seconds.div_euclid(86_400);
    let rem = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s) = (
        (rem / 3600) as u8,
        ((rem % 3600) / 60) as u8,
        (rem % 60) as u8,
    );
    Datetime::from_ymd_hms(year, month, day, h, m, s).expect("a valid civil date")
}

fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_become_civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
        assert_eq!(datetime_from_unix(1_772_366_400).year(), Some(2026));
        assert_eq!(datetime_from_unix(1_772_366_400).hour(), Some(12));
    }
}
