//! Rate profiles (`workload.rate_profile`) and their daily windows.

use super::{Default, Key, Range, Table, Ty, Union};

pub static RATE_PROFILE: Union = Union {
    id: "rate-profile",
    title: "Rate profiles",
    doc: "A multiplier of the arrival rate over time, selected by `kind`, applied by exact \
          inversion of the cumulative intensity (never by time steps).",
    tag: "kind",
    common: &[],
    variants: &[&DAILY_WINDOWS, &SINUSOID, &PIECEWISE, &WEEKLY],
};

pub static DAILY_PROFILE: Union = Union {
    id: "daily-profile",
    title: "Daily profiles",
    doc: "The rate profile inside `weekly`: `daily_windows`, `sinusoid` or `piecewise`, with a \
          period of one day.",
    tag: "kind",
    common: &[],
    variants: &[&DAILY_WINDOWS, &SINUSOID, &PIECEWISE],
};

const fn period() -> Key {
    Key {
        name: "period_s",
        ty: Ty::Duration(Range::Positive),
        default: Default::Num(86_400.0),
        doc: "the profile repeats with this period",
    }
}

static DAILY_WINDOWS: Table = Table {
    id: "daily-windows",
    title: "daily_windows",
    doc: "A piecewise constant multiplier over the day.",
    tag: Some(("kind", "daily_windows")),
    keys: &[
        Key {
            name: "windows",
            ty: Ty::List {
                item: &Ty::Object(&WINDOW),
                min: 0,
                max: None,
            },
            default: Default::Required,
            doc: "the windows, half-open `[start_h, end_h)`, not overlapping",
        },
        Key {
            name: "outside",
            ty: Ty::Number(Range::NonNegative),
            default: Default::Num(0.0),
            doc: "multiplier outside every window",
        },
    ],
    exactly_one: &[],
};

pub static WINDOW: Table = Table {
    id: "window",
    title: "window",
    doc: "One window of `daily_windows`; `start_h < end_h` (two windows cross midnight).",
    tag: None,
    keys: &[
        Key {
            name: "start_h",
            ty: Ty::Number(Range::Between(0.0, 24.0)),
            default: Default::Required,
            doc: "hour of the day the window opens",
        },
        Key {
            name: "end_h",
            ty: Ty::Number(Range::Between(0.0, 24.0)),
            default: Default::Required,
            doc: "hour of the day the window closes (excluded)",
        },
        Key {
            name: "multiplier",
            ty: Ty::Number(Range::NonNegative),
            default: Default::Num(1.0),
            doc: "rate multiplier inside the window",
        },
    ],
    exactly_one: &[],
};

static SINUSOID: Table = Table {
    id: "sinusoid",
    title: "sinusoid",
    doc: "Multiplier 1 + amplitude·cos(2π(t − peak)/period): its mean is 1, so `rate_per_s` is \
          the long-run rate.",
    tag: Some(("kind", "sinusoid")),
    keys: &[
        period(),
        Key {
            name: "amplitude",
            ty: Ty::Number(Range::Unit),
            default: Default::Required,
            doc: "relative swing around the mean",
        },
        Key {
            name: "peak_h",
            ty: Ty::Number(Range::NonNegative),
            default: Default::Required,
            doc: "hours into the period of the peak, in [0, period)",
        },
    ],
    exactly_one: &[],
};

/// `[hour, multiplier]` of a `piecewise` point.
pub static POINT: [Ty; 2] = [
    Ty::Number(Range::NonNegative),
    Ty::Number(Range::NonNegative),
];

static PIECEWISE: Table = Table {
    id: "piecewise",
    title: "piecewise",
    doc: "Linear interpolation between points, wrapping from the last point to the first \
          across the period's end; one point is a constant.",
    tag: Some(("kind", "piecewise")),
    keys: &[
        period(),
        Key {
            name: "points",
            ty: Ty::List {
                item: &Ty::Tuple(&POINT),
                min: 1,
                max: None,
            },
            default: Default::Required,
            doc: "`[hour, multiplier]` pairs, hours strictly increasing and in [0, period)",
        },
    ],
    exactly_one: &[],
};

/// One of `weekly.day_multipliers`.
pub static DAY_MULTIPLIER: Ty = Ty::Number(Range::NonNegative);

static WEEKLY: Table = Table {
    id: "weekly",
    title: "weekly",
    doc: "A day multiplier times an inner daily profile. t = 0 is Monday 00:00.",
    tag: Some(("kind", "weekly")),
    keys: &[
        Key {
            name: "day_multipliers",
            ty: Ty::List {
                item: &DAY_MULTIPLIER,
                min: 7,
                max: Some(7),
            },
            default: Default::Required,
            doc: "7 multipliers, Monday first",
        },
        Key {
            name: "daily",
            ty: Ty::Union(&DAILY_PROFILE),
            default: Default::Derived("1 at every hour"),
            doc: "the profile within each day, with a period of one day",
        },
    ],
    exactly_one: &[],
};
