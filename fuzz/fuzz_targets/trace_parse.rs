//! Any bytes given as a trace file, in any format and with any replay options, give a
//! scenario error naming the file (and its line) or a replay that is time-ordered,
//! complete and fault-free — never a panic, a hang or an unbounded allocation.
#![no_main]

use std::io::Write;
use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use serde_json::json;
use servsim::random::Seeds;
use servsim::scenario::Scenario;

/// At most this many arrivals are pulled from a replay (a trace may repeat forever).
const PULL: usize = 20_000;

/// One file per fuzzing process, rewritten for each input (tmpfs when there is one).
fn trace_file() -> PathBuf {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    dir.join(format!("servsim-fuzz-trace-{}.csv", std::process::id()))
}

fuzz_target!(|data: &[u8]| {
    let [format_byte, options, body @ ..] = data else {
        return;
    };
    let format = ["csv", "azure_llm", "azure_functions_2019"][*format_byte as usize % 3];
    let within = ["uniform", "poisson", "equidistant"][(*format_byte as usize / 3) % 3];
    let repeat = match options % 4 {
        0 => json!(false),
        1 => json!(true),
        n => json!(n),
    };
    let time_scale = [1.0, 0.5, 1e-9, 3600.0][(*options as usize / 4) % 4];
    let path = trace_file();
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(body))
        .expect("the fuzz trace file can be written");
    let mut arrivals = json!({
        "process": "trace", "path": path, "format": format,
        "repeat": repeat, "time_scale": time_scale
    });
    if format == "azure_functions_2019" {
        arrivals["within_minute"] = json!(within);
    }
    let service = match format {
        "azure_llm" => json!({"dist": "llm", "ttft_s": 0.05, "per_output_token_s": 0.01}),
        _ => json!({"dist": "constant", "value_s": 1}),
    };
    let doc = json!({
        "name": "fuzz", "horizon": "2d", "seeds": 1,
        "workload": {"arrivals": arrivals, "service": service},
        "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1}]
    });
    let scenario = match Scenario::from_value(&doc, "fuzz.json") {
        Ok(s) => s,
        Err(e) => {
            // Every trace error names the scenario, the key and the trace file.
            let text = e.to_string();
            assert!(text.contains("fuzz.json"), "{text}");
            return;
        }
    };
    let horizon = scenario.horizon.0;
    let mut requests = scenario.workload.requests(Seeds::new(1, 0));
    let mut last = 0;
    for (at, _) in requests.by_ref().take(PULL) {
        assert!(at.0 >= last, "arrivals out of order: {} after {last}", at.0);
        last = at.0;
        if last >= horizon {
            break;
        }
    }
    assert!(requests.fault().is_none(), "{:?}", requests.fault());
});
