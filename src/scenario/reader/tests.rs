use serde_json::json;

use super::*;
use crate::scenario::keys::{Default, Range};

static TOP: Table = Table {
    id: "top",
    title: "top",
    doc: "",
    tag: None,
    keys: &[
        Key {
            name: "a",
            ty: Ty::Number(Range::Positive),
            default: Default::Required,
            doc: "",
        },
        Key {
            name: "b",
            ty: Ty::Duration(Range::Positive),
            default: Default::Num(5.0),
            doc: "",
        },
        Key {
            name: "c",
            ty: crate::scenario::keys::whole(0),
            default: Default::Required,
            doc: "",
        },
        Key {
            name: "scaledown_window_s",
            ty: Ty::Choice(&["lifetime", "busy_only"]),
            default: Default::Text("lifetime"),
            doc: "",
        },
    ],
    exactly_one: &[],
};

#[test]
fn durations_accept_numbers_and_units() {
    assert_eq!(parse_duration("30d"), Some(2_592_000.0));
    assert_eq!(parse_duration("1.5h"), Some(5400.0));
    assert_eq!(parse_duration("90 s"), Some(90.0));
    assert_eq!(parse_duration("250ms"), Some(0.25));
    assert_eq!(parse_duration("3 parsecs"), None);
    assert_eq!(parse_duration("h"), None);
}

#[test]
fn every_error_is_collected_with_its_path() {
    let v = json!({"a": -1, "b": "x", "zz": 1, "scaledwon_window_s": 2});
    let mut errs = Errors::default();
    let mut o = Obj::new(&v, "top", &TOP, &mut errs).unwrap();
    let a: Option<f64> = o.req("a", &mut errs);
    let b: f64 = o.or("b", &mut errs);
    let c: Option<u64> = o.req("c", &mut errs);
    let mode: &str = o.or("scaledown_window_s", &mut errs);
    o.finish(&mut errs);
    assert_eq!((a, b, c, mode), (None, 5.0, None, "lifetime"));
    let paths: Vec<&str> = errs.0.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "top.a",
            "top.b",
            "top.c",
            "top.scaledwon_window_s",
            "top.zz"
        ]
    );
    assert_eq!(errs.0[0].message, "expected a number > 0, found -1");
    assert_eq!(
        errs.0[3].message,
        "unknown key; expected one of: a, b, c, scaledown_window_s (did you mean \
         \"scaledown_window_s\"?)"
    );
    assert_eq!(
        errs.0[4].message,
        "unknown key; expected one of: a, b, c, scaledown_window_s"
    );
}

#[test]
fn a_choice_close_to_a_valid_one_gets_a_suggestion() {
    let v = json!({"a": 1, "c": 0, "scaledown_window_s": "busy-only"});
    let mut errs = Errors::default();
    let mut o = Obj::new(&v, "", &TOP, &mut errs).unwrap();
    let _: Option<&str> = o.get("scaledown_window_s", &mut errs);
    assert_eq!(
        errs.0[0].message,
        "expected one of \"lifetime\", \"busy_only\", found \"busy-only\" (did you mean \
         \"busy_only\"?)"
    );
}

#[test]
fn suggestions_come_from_case_word_order_edit_distance_or_a_unique_prefix() {
    let keys = [
        "scaledown_window_s",
        "min_containers",
        "max_containers",
        "max_inputs",
        "rate_per_s",
        "usd_per_hour",
    ];
    assert_eq!(suggest("Min_Containers", &keys), Some("min_containers"));
    assert_eq!(suggest("hour_per_usd", &keys), Some("usd_per_hour"));
    assert_eq!(
        suggest("scaledwon_window_s", &keys),
        Some("scaledown_window_s")
    );
    assert_eq!(suggest("min_container", &keys), Some("min_containers"));
    assert_eq!(suggest("rate", &keys), Some("rate_per_s"));
    // Two candidates start with "max": no guess.
    assert_eq!(suggest("max", &keys), None);
    assert_eq!(suggest("zz_unknown", &keys), None);
    assert_eq!(suggest("colour", &keys), None);
    assert_eq!(
        did_you_mean("rate", &keys),
        " (did you mean \"rate_per_s\"?)"
    );
    assert_eq!(did_you_mean("colour", &keys), "");
}

#[test]
#[should_panic(expected = "scenario key table \"top\" has no key \"d\"")]
fn asking_for_a_key_the_table_does_not_list_is_a_reader_bug() {
    let v = json!({});
    let mut errs = Errors::default();
    let mut o = Obj::new(&v, "", &TOP, &mut errs).unwrap();
    let _: Option<f64> = o.req("d", &mut errs);
}

#[test]
#[should_panic(expected = "key \"b\"")]
fn reading_a_key_with_a_default_as_required_is_a_reader_bug() {
    let v = json!({});
    let mut errs = Errors::default();
    let mut o = Obj::new(&v, "", &TOP, &mut errs).unwrap();
    let _: Option<f64> = o.req("b", &mut errs);
}
