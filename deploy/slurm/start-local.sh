#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine, so that servsim-shard.sbatch can be tried
# (and tests/integration/slurm.rs can run a real job array) without a real cluster.
#
# What it does, as root:
#   1. installs Debian's slurm-wlm and munge packages when slurmctld or munged is missing;
#   2. creates a munge key (Slurm authenticates every message with it) and starts munged;
#   3. writes /etc/slurm/slurm.conf for one node, this host, on 127.0.0.1, with all its CPUs
#      and its memory less 1 GiB, in one default partition `local` without a time limit;
#   4. starts slurmctld and slurmd, and waits up to 30 s for the node to accept jobs.
# Safe to run again: a running daemon is left alone, an existing key is kept. About 16 s the
# first time (the packages), instant when the cluster is already up.
#
#   sudo bash deploy/slurm/start-local.sh
#   sbatch --array=1-4 --wait deploy/slurm/servsim-shard.sbatch run scenarios/spot-failover.json
set -euo pipefail

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq slurm-wlm munge >/dev/null
fi

host=$(hostname -s)
cpus=$(nproc)
# slurmd refuses to register a node that reports less memory than RealMemory; keep 1 GiB
# for the system.
mem_mib=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
state=/var/spool/slurm-local

mkdir -p /etc/slurm "$state/ctld" "$state/d" /var/log/slurm \
  /run/munge /var/lib/munge /var/log/munge /etc/munge
# munged refuses to start unless its folders belong to its own user.
chown -R munge:munge /run/munge /var/lib/munge /var/log/munge /etc/munge 2>/dev/null || true
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
fi
# As the munge user when the system allows it; in containers without su, as root.
pgrep -x munged >/dev/null || su -s /bin/sh munge -c "/usr/sbin/munged --force" \
  || /usr/sbin/munged --force

# Daemons as root (no slurm user to create), process tracking without cgroups (containers
# often lack them), scheduling by core so that an array's tasks share the node.
cat >/etc/slurm/slurm.conf <<CONF
ClusterName=local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mib State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld
pgrep -x slurmd >/dev/null || /usr/sbin/slurmd

for _ in $(seq 1 30); do
  if sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mix|alloc'; then
    echo "slurm: one node up ($host, $cpus CPUs)"
    exit 0
  fi
  sleep 1
done
echo "slurm: node did not come up; see /var/log/slurm/" >&2
exit 1
