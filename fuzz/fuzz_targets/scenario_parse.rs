//! Any bytes given to the scenario loader give a scenario or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use servsim::scenario::Scenario;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = Scenario::from_slice(data, "fuzz.json") {
        // Every error renders and names the file.
        assert!(e.to_string().contains("fuzz.json"));
    }
});
