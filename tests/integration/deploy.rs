//! The deployment files hold together: the Kubernetes Indexed Job runs every shard once,
//! with arguments the real command line accepts, on the image `deploy/Dockerfile` builds
//! (the binary on PATH, the scenarios where the Job looks for them); and the repository
//! stands alone (`.ci/run` and the tests use nothing outside it).

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Parser;
use serde::Deserialize;
use servsim::cli::Cli;

use crate::support::*;

/// The fields of a `batch/v1` Job that sharding relies on (the rest is ignored).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Job {
    api_version: String,
    kind: String,
    spec: JobSpec,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JobSpec {
    completion_mode: String,
    completions: u32,
    parallelism: u32,
    template: PodTemplate,
}

#[derive(Debug, Deserialize)]
struct PodTemplate {
    spec: PodSpec,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PodSpec {
    restart_policy: String,
    containers: Vec<Container>,
    volumes: Vec<Volume>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Container {
    image: String,
    command: Vec<String>,
    args: Vec<String>,
    volume_mounts: Vec<VolumeMount>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VolumeMount {
    name: String,
    mount_path: String,
}

#[derive(Debug, Deserialize)]
struct Volume {
    name: String,
}

fn job() -> Job {
    let path = project_dir().join("deploy/kubernetes/servsim-sweep-job.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The argument words the pod's shell gives `servsim` in pod `index`: the container's own
/// command runs, with `servsim` a shell function that prints its arguments.
fn pod_argv(c: &Container, index: u32) -> Vec<String> {
    assert_eq!(
        c.command,
        ["/bin/sh", "-c"],
        "the script runs through sh -c"
    );
    let [script] = c.args.as_slice() else {
        panic!("expected one script argument, found {:?}", c.args)
    };
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("servsim() {{ printf '%s\\n' \"$@\"; }}\n{script}"))
        .env("JOB_COMPLETION_INDEX", index.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let words = String::from_utf8(out.stdout).unwrap();
    ["servsim"]
        .into_iter()
        .map(String::from)
        .chain(words.lines().map(String::from))
        .collect()
}

/// The value after `--flag` in `argv`.
fn flag<'a>(argv: &'a [String], name: &str) -> &'a str {
    let at = argv.iter().position(|a| a == name);
    at.and_then(|i| argv.get(i + 1))
        .unwrap_or_else(|| panic!("no {name} in {argv:?}"))
}

#[test]
fn the_kubernetes_job_is_an_indexed_job_with_one_pod_per_shard() {
    let job = job();
    assert_eq!(
        (job.api_version.as_str(), job.kind.as_str()),
        ("batch/v1", "Job")
    );
    let spec = &job.spec;
    assert_eq!(
        spec.completion_mode, "Indexed",
        "JOB_COMPLETION_INDEX is set only then"
    );
    assert_eq!(spec.completions, 8);
    assert_eq!(spec.parallelism, spec.completions, "every shard at once");
    assert_eq!(spec.template.spec.restart_policy, "Never");
    let [container] = spec.template.spec.containers.as_slice() else {
        panic!("expected one container")
    };
    assert_eq!(
        container.image,
        format!("registry.example.com/servsim:{}", env!("CARGO_PKG_VERSION")),
        "the image is tagged with the version it is built from"
    );
}

#[test]
fn each_pod_of_the_job_runs_its_own_shard_with_arguments_the_cli_accepts() {
    let spec = job().spec;
    let pod = &spec.template.spec;
    let container = &pod.containers[0];
    let [mount] = container.volume_mounts.as_slice() else {
        panic!("expected one volume mount")
    };
    assert!(pod.volumes.iter().any(|v| v.name == mount.name));
    let n = spec.completions;
    let mut outputs = Vec::new();
    for index in 0..n {
        let argv = pod_argv(container, index);
        assert_eq!(flag(&argv, "--shard"), format!("{}/{n}", index + 1));
        // --resume: a retried pod continues its shard from the journal on the volume.
        let output = flag(&argv, "--resume");
        assert!(
            Path::new(output).starts_with(&mount.mount_path),
            "pod {index} writes {output} outside the volume at {}",
            mount.mount_path
        );
        outputs.push(output.to_string());
        if let Err(e) = Cli::try_parse_from(&argv) {
            panic!("pod {index}: servsim would refuse {argv:?}:\n{e}");
        }
        // The scenario the pod reads from the image is a shipped one that validates.
        let scenario = &argv[2];
        let shipped = scenario
            .strip_prefix("/app/")
            .map(|rel| project_dir().join(rel))
            .unwrap_or_else(|| panic!("expected a scenario under /app/, found {scenario}"));
        servsim().arg("validate").arg(&shipped).assert().success();
    }
    outputs.sort();
    outputs.dedup();
    assert_eq!(outputs.len(), n as usize, "every pod writes its own part");
}

/// The instructions of a Dockerfile as (instruction, words), continuation lines joined.
fn dockerfile() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(project_dir().join("deploy/Dockerfile")).unwrap();
    let joined = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("\\\n", " ");
    joined
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace().map(String::from);
            Some((words.next()?.to_uppercase(), words.collect()))
        })
        .collect()
}

/// The sources and destination of each `COPY` (`from`: its `--from` stage, if any).
fn copies(file: &[(String, Vec<String>)]) -> Vec<(Option<String>, Vec<String>, String)> {
    file.iter()
        .filter(|(i, _)| i == "COPY")
        .map(|(_, words)| {
            let from = words
                .iter()
                .find_map(|w| w.strip_prefix("--from=").map(String::from));
            let mut paths: Vec<String> = words
                .iter()
                .filter(|w| !w.starts_with("--"))
                .cloned()
                .collect();
            let dest = paths.pop().expect("COPY has a destination");
            (from, paths, dest)
        })
        .collect()
}

#[test]
fn the_dockerfile_copies_files_that_exist_and_puts_servsim_where_the_job_runs_it() {
    let file = dockerfile();
    let stages = file.iter().filter(|(i, _)| i == "FROM").count();
    assert_eq!(stages, 2, "a builder stage and a runtime stage");
    let copies = copies(&file);
    for (_, sources, _) in copies.iter().filter(|(from, ..)| from.is_none()) {
        for source in sources {
            let path = project_dir().join(source);
            assert!(
                path.exists(),
                "COPY {source}: no such path in the repository"
            );
        }
    }
    // The builder builds the binary the manifest names, and the runtime stage takes it
    // onto PATH, next to the scenarios at the path the Job reads them from.
    let bin = Path::new(env!("CARGO_BIN_EXE_servsim"))
        .file_name()
        .unwrap();
    assert_eq!(bin, "servsim");
    let build = file
        .iter()
        .find(|(i, w)| i == "RUN" && w.iter().any(|w| w == "build"))
        .expect("a RUN of cargo build");
    let build = build.1.join(" ");
    assert!(
        build.contains("cargo build --release --locked --bin servsim"),
        "{build}"
    );
    assert!(
        build.contains("target/release/servsim /usr/local/bin/servsim"),
        "{build}"
    );
    assert!(
        copies.contains(&(
            Some("build".into()),
            vec!["/usr/local/bin/servsim".into()],
            "/usr/local/bin/servsim".into()
        )),
        "{copies:?}"
    );
    assert!(
        copies.contains(&(None, vec!["scenarios".into()], "/app/scenarios".into())),
        "{copies:?}"
    );
    let entrypoint = file.iter().find(|(i, _)| i == "ENTRYPOINT").unwrap();
    assert_eq!(entrypoint.1, ["[\"servsim\"]"]);
}

#[test]
fn the_dockerfile_builds_every_target_the_manifest_declares() {
    // cargo refuses a manifest whose declared bench files are missing, so the builder
    // must copy benches/ as well as src/.
    let manifest = std::fs::read_to_string(project_dir().join("Cargo.toml")).unwrap();
    let copied: Vec<String> = copies(&dockerfile())
        .into_iter()
        .filter(|(from, ..)| from.is_none())
        .flat_map(|(_, sources, _)| sources)
        .collect();
    for needed in ["Cargo.toml", "Cargo.lock", "src", "scenarios"] {
        assert!(copied.iter().any(|c| c == needed), "{needed} not copied");
    }
    if manifest.contains("[[bench]]") {
        assert!(copied.iter().any(|c| c == "benches"), "benches not copied");
    }
}

/// Every file under the folders the product and its tests are made of.
fn repo_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs: Vec<PathBuf> = ["src", "tests", "benches", "examples", "deploy", ".ci"]
        .iter()
        .map(|d| project_dir().join(d))
        .collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn nothing_in_the_repository_reaches_outside_it() {
    // Spelt in two pieces so that this file does not match itself.
    let beside = format!("{}/shared", "..");
    let mut found = Vec::new();
    for path in repo_files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // binary data
        };
        if text.contains(&beside) {
            found.push(path.display().to_string());
        }
    }
    assert!(found.is_empty(), "files that refer to {beside}: {found:#?}");
    let ci = std::fs::read_to_string(project_dir().join(".ci/run")).unwrap();
    assert!(ci.contains("bash deploy/slurm/start-local.sh"), "{ci}");
    assert!(project_dir().join("deploy/slurm/start-local.sh").is_file());
}
