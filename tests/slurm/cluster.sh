#!/usr/bin/env bash
# A single-node SLURM cluster on this machine, for the test suite: munge, MariaDB + slurmdbd (accounting, so
# the executor plugin's sacct status checks work), slurmctld and slurmd with one fake GPU (gres).
#
#   tests/slurm/cluster.sh up STATE_DIR     # installs the Debian packages if missing, starts the daemons
#   tests/slurm/cluster.sh down STATE_DIR   # stops exactly what `up` started and removes STATE_DIR
#
# Clients find the cluster through SLURM_CONF=STATE_DIR/slurm.conf, and jobs through a link /etc/slurm/slurm.conf
# -> STATE_DIR/slurm.conf, which `down` removes; a real SLURM set-up on the machine (a slurm.conf that is not such
# a link) is left alone. A run killed before its `down` leaves its link behind, and the next `up` names it with
# the command that clears it. Exit status 77: packages cannot be installed (not root or no apt), or
# /etc/slurm/slurm.conf is taken (a real set-up, or such a link): the reasons the tests may skip.
set -euo pipefail

action=${1:?usage: cluster.sh up|down STATE_DIR}
state=${2:?usage: cluster.sh up|down STATE_DIR}
packages=(slurmctld slurmd slurm-client munge slurmdbd mariadb-server)

log() { echo "[slurm-cluster] $*" >&2; }

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
    local seconds=$1 what=$2
    shift 2
    for _ in $(seq "$((seconds * 5))"); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    log "timed out waiting for $what"
    return 1
}

install_packages() {
    local missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
        log "cannot install ${missing[*]}: needs root and apt-get"
        exit 77
    fi
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >"$state/apt.log" 2>&1 \
        || { apt-get update -q >>"$state/apt.log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$state/apt.log" 2>&1; } \
        || { log "apt-get failed, see $state/apt.log"; exit 77; }
}

start_munge() {
    mkdir -p /run/munge /var/log/munge /var/lib/munge /etc/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    if [[ ! -s /etc/munge/munge.key ]]; then
        mungekey --create --keyfile=/etc/munge/munge.key
        chown munge:munge /etc/munge/munge.key
        chmod 400 /etc/munge/munge.key
    fi
    if ! pgrep -x munged >/dev/null; then
        runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/eax-munged.pid
        wait_for 10 "munged's pid file" test -s /run/munge/eax-munged.pid
        cp /run/munge/eax-munged.pid "$state/munged.pid"
        echo munged >>"$state/started"
    fi
    wait_for 10 munge bash -c 'munge -n | unmunge'
}

start_mariadb() {
    mkdir -p /run/mysqld "$state/mysql"
    chown mysql:mysql /run/mysqld "$state/mysql"
    mariadb-install-db --user=mysql --datadir="$state/mysql" --auth-root-authentication-method=socket \
        >"$state/mariadb-install.log" 2>&1
    mariadbd --user=mysql --datadir="$state/mysql" --socket="$state/mysql/mysqld.sock" --skip-networking=0 \
        --bind-address=127.0.0.1 --port=3316 >"$state/mariadb.log" 2>&1 &
    echo $! >"$state/mariadb.pid"
    echo mariadb >>"$state/started"
    wait_for 30 mariadb mariadb --socket="$state/mysql/mysqld.sock" -e "select 1"
    mariadb --socket="$state/mysql/mysqld.sock" -e "CREATE USER 'slurm'@'localhost' IDENTIFIED BY 'eax-test';
        CREATE DATABASE slurm_acct_db; GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost'; FLUSH PRIVILEGES;"
}

write_configs() {
    local host cpus memory
    host=$(hostname -s)
    cpus=$(nproc)
    memory=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 85 / 100))
    mkdir -p "$state/spool/ctld" "$state/spool/d"
    mknod -m 666 /dev/eax-fakegpu0 c 240 0 2>/dev/null || true
    echo fakegpu >>"$state/started"
    cat >"$state/slurm.conf" <<EOF
ClusterName=eaxtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$state/spool/ctld
SlurmdSpoolDir=$state/spool/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
SlurmctldPort=6917
SlurmdPort=6918
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
SchedulerParameters=sched_interval=1
MinJobAge=300
ReturnToService=2
GresTypes=gpu
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=6919
JobAcctGatherType=jobacct_gather/none
AccountingStoreFlags=job_comment
AccountingStorageTRES=gres/gpu
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory Gres=gpu:1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
    cat >"$state/gres.conf" <<EOF
AutoDetect=off
Name=gpu File=/dev/eax-fakegpu0
EOF
    cat >"$state/slurmdbd.conf" <<EOF
AuthType=auth/munge
DbdHost=localhost
DbdPort=6919
SlurmUser=root
LogFile=$state/slurmdbd.log
PidFile=$state/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=3316
StorageUser=slurm
StoragePass=eax-test
StorageLoc=slurm_acct_db
EOF
    chmod 600 "$state/slurmdbd.conf"
}

link_default_config() {
    # The executor plugin clears SLURM_* (SLURM_CONF too) inside jobs, so srun there reads the default path.
    local left
    left=$(dirname "$(readlink /etc/slurm/slurm.conf 2>/dev/null || echo /nonexistent/slurm.conf)")
    if grep -qx etc-link "$left/started" 2>/dev/null; then
        log "/etc/slurm/slurm.conf links to $left, a test cluster whose run was killed before its \`down\`;" \
            "clear it with: tests/slurm/cluster.sh down $left"
        exit 77
    fi
    if [[ -e /etc/slurm/slurm.conf || -L /etc/slurm/slurm.conf ]]; then
        log "/etc/slurm/slurm.conf exists: a real SLURM set-up is here; not touching it"
        exit 77
    fi
    mkdir -p /etc/slurm
    ln -s "$state/slurm.conf" /etc/slurm/slurm.conf
    echo etc-link >>"$state/started"
}

start_slurm() {
    export SLURM_CONF=$state/slurm.conf
    slurmdbd
    echo slurmdbd >>"$state/started"
    wait_for 10 "slurmdbd's pid file" test -s "$state/slurmdbd.pid"
    wait_for 30 slurmdbd sacctmgr -n list cluster
    sacctmgr -i add cluster eaxtest >/dev/null
    slurmctld
    echo slurmctld >>"$state/started"
    slurmd -N "$(hostname -s)"
    echo slurmd >>"$state/started"
    wait_for 60 "an idle node" bash -c 'sinfo -h -o %t | grep -q idle'
}

stop() {
    export SLURM_CONF=$state/slurm.conf
    [[ -f $state/started ]] || { rm -rf "$state"; return 0; }
    scancel --full --signal=KILL --user="$(id -un)" 2>/dev/null || true
    for daemon in slurmd slurmctld slurmdbd mariadb munged; do
        grep -qx "$daemon" "$state/started" || continue
        local pid
        pid=$(cat "$state/$daemon.pid" 2>/dev/null) || continue
        # only the daemon itself: after a crash its pid may since have gone to another process
        [[ $(ps -o comm= -p "$pid" 2>/dev/null) == "$daemon"* ]] || continue
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    done
    if grep -qx fakegpu "$state/started"; then rm -f /dev/eax-fakegpu0; fi
    if grep -qx etc-link "$state/started" && [[ -L /etc/slurm/slurm.conf ]]; then rm -f /etc/slurm/slurm.conf; fi
    rm -rf "$state"
}

case $action in
    up)
        mkdir -p "$state"
        install_packages
        start_munge
        start_mariadb
        write_configs
        link_default_config
        start_slurm
        log "up: SLURM_CONF=$state/slurm.conf"
        ;;
    down)
        stop
        ;;
    *)
        echo "usage: cluster.sh up|down STATE_DIR" >&2
        exit 2
        ;;
esac
