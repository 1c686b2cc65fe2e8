#!/usr/bin/env bash
# Serve bnviz to a class: N `streamlit run app.py` replicas on loopback ports, and nginx in front on
# one public port, with sticky sessions. Everything runs as the current user (its own nginx
# configuration, pid, temporary paths and logs in a run folder); Ctrl-C or SIGTERM stops it all.
#
#   bash scripts/serve.sh                 # one replica per core, on port 8501 (every interface)
#   bash scripts/serve.sh -s -a 127.0.0.1 # one learner: Streamlit alone on port 8501, no nginx
#   bash scripts/serve.sh -n 1 -p 8620    # one replica, on port 8620
#   bash scripts/serve.sh -n 4 -p 8620 -a 127.0.0.1 -d /tmp/bnviz-run
#
# Options:
#   -n N     replicas (default: the number of cores, nproc)
#   -p PORT  nginx's public port (default 8501); the replicas take the first free ports above it
#   -a ADDR  the address nginx listens on (default 0.0.0.0: the students' machines reach it)
#   -s       Streamlit alone, no nginx: one process listens on the port itself (one learner, a small
#            class); -n is not used. Every page is warmed all the same before the URL is printed.
#   -d DIR   the run folder: nginx.conf, nginx's logs (access.log names each request's replica), one
#            log per replica, replicas.txt (each one's port and pid) and warm.log (each page's first
#            run on each replica, before the URL is printed: scripts/warm.py). Kept at exit; by
#            default a new temporary folder, removed at exit.
#
# Why a cookie: a Streamlit session is a websocket to one process, and its uploads
# (/_stcore/upload_file/...) and media (/media/...) are separate HTTP requests that only that process
# can answer. So nginx hashes every request on the cookie bnviz_replica. A request without it (the
# browser's first) is hashed on its own $request_id, and its response sets the cookie to that same
# id: the page's first request and everything after it land on one replica. The websocket opens
# after the page's HTML (never taken from the browser's cache unasked: Streamlit sends it no-cache)
# and Streamlit's client's /_stcore/health and /_stcore/host-config, so the cookie is set by then.
# Not the client's address: on one laptop, or behind a school's NAT, every student has the same one.
#
# Environment: BNVIZ_PYTHON (default: .venv/bin/python3 when it exists and no virtual environment is
# active, else python3), BNVIZ_NGINX (default: nginx on the PATH, else /usr/sbin/nginx; Debian's
# nginx package is installed with apt-get where there is none).
set -euo pipefail
cd "$(dirname "$0")/.."

replicas=$(nproc)
port=8501
address=0.0.0.0
run_dir=""
single=0
while getopts "n:p:a:d:sh" opt; do
  case $opt in
    n) replicas=$OPTARG ;;
    p) port=$OPTARG ;;
    a) address=$OPTARG ;;
    d) run_dir=$OPTARG ;;
    s) single=1 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
[[ $replicas =~ ^[1-9][0-9]*$ ]] || { echo "-n: a number of replicas, 1 or more; got '$replicas'" >&2; exit 2; }
[[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536 - replicas)) || {
  echo "-p: a port from 1 to $((65535 - replicas)); got '$port'" >&2
  exit 2
}

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}

NGINX=${BNVIZ_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
if ((!single)) && [ ! -x "$NGINX" ]; then
  echo "nginx is missing: installing Debian's nginx package."
  apt_install nginx
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi

if [ -n "${BNVIZ_PYTHON:-}" ]; then
  PYTHON=$BNVIZ_PYTHON
elif [ -z "${VIRTUAL_ENV:-}" ] && [ -x .venv/bin/python3 ]; then
  PYTHON=.venv/bin/python3
else
  PYTHON=python3
fi

keep_run_dir=1
if [ -z "$run_dir" ]; then
  run_dir=$(mktemp -d -t bnviz-serve.XXXXXX)
  keep_run_dir=0
fi
mkdir -p "$run_dir/tmp"
run_dir=$(cd "$run_dir" && pwd)

# --- stopping: everything started below, and only that ----------------------------------------------

pids=()
stop_all() {
  trap - EXIT INT TERM
  if ((${#pids[@]})); then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    # Streamlit and nginx both stop within a second or two on SIGTERM; give them ten.
    local waited=0
    while ((waited < 100)) && kill -0 "${pids[@]}" 2>/dev/null; do
      sleep 0.1
      waited=$((waited + 1))
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
  fi
  if ((keep_run_dir)); then
    echo "Stopped. Logs in $run_dir"
  else
    rm -rf "$run_dir"
    echo "Stopped."
  fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the replicas ----------------------------------------------------------------------------------------

port_free() {
  "$PYTHON" -c 'import socket, sys
with socket.socket() as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Streamlit binds: past TIME_WAIT
    s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

healthy() { # straight to the address, past any http_proxy of the environment
  "$PYTHON" -c 'import sys, urllib.request
urllib.request.build_opener(urllib.request.ProxyHandler({})).open(sys.argv[1] + "/_stcore/health", timeout=2)' \
    "$1" 2>/dev/null
}

shown=$address probe=$address
[ "$address" != 0.0.0.0 ] || { shown=localhost probe=127.0.0.1; }

replica_ports=()
if ((single)); then # the one process on the public port and address itself (its BLAS keeps its threads)
  port_free "$port" || { echo "-p: port $port is taken" >&2; exit 1; }
  replicas=1 replica_ports=("$port") listen=$address
else # one BLAS thread per replica: the replicas are the parallelism, one per core
  export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
  listen=127.0.0.1 probe_replica=127.0.0.1
fi
candidate=$((port + 1))
while ((${#replica_ports[@]} < replicas)); do
  ((candidate < 65536)) || { echo "no free port above $port for $replicas replicas" >&2; exit 1; }
  if port_free "$candidate"; then
    replica_ports+=("$candidate")
  fi
  candidate=$((candidate + 1))
done

for p in "${replica_ports[@]}"; do
  "$PYTHON" -m streamlit run app.py \
    --server.port "$p" --server.address "$listen" --server.headless true \
    --server.fileWatcherType none --browser.gatherUsageStats false \
    >"$run_dir/replica-$p.log" 2>&1 &
  pids+=($!)
done

for i in "${!replica_ports[@]}"; do # for whoever measures them (memory per replica): port and pid
  echo "${replica_ports[$i]} ${pids[$i]}"
done >"$run_dir/replicas.txt"

# Wait until $2 answers while the process $3 runs; if it exits, or after 180 s in all, show the end of
# its log ($4) and stop (the trap stops the rest).
deadline=$((SECONDS + 180))
wait_answering() {
  local what=$1 url=$2 pid=$3 log=$4
  until healthy "$url"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$what exited; its log, $log, ends with:" >&2
      tail -n 20 "$log" >&2
      exit 1
    fi
    ((SECONDS < deadline)) || { echo "$what does not answer at $url after 180 s." >&2; exit 1; }
    sleep 0.25
  done
}
for i in "${!replica_ports[@]}"; do
  p=${replica_ports[$i]}
  wait_answering "The replica on port $p" "http://${probe_replica:-$probe}:$p" "${pids[$i]}" "$run_dir/replica-$p.log"
done
# Ready before class: every page once per replica, through a real session (scripts/warm.py), so that its
# imports, trainings and figures are in the replica's caches before the first student asks. A page that
# fails to warm is named (its replica's log says more) and the class is served all the same.
replica_urls=()
for p in "${replica_ports[@]}"; do
  replica_urls+=("http://${probe_replica:-$probe}:$p")
done
warm_start=$SECONDS
if "$PYTHON" scripts/warm.py "${replica_urls[@]}" >"$run_dir/warm.log" 2>&1; then
  echo "Warmed every page on each replica in $((SECONDS - warm_start)) s (warm.log)."
else
  echo "Some pages did not warm (the first student pays for them):" >&2
  grep -v ' s$' "$run_dir/warm.log" >&2 || tail -n 5 "$run_dir/warm.log" >&2
fi

if ((single)); then
  echo "bnviz: Streamlit alone on port $port; its log in $run_dir"
  echo "Open http://$shown:$port  (Ctrl-C stops it)"
  wait -n "${pids[@]}" || true
  echo "Streamlit stopped on its own." >&2
  exit 1
fi

# --- nginx in front ------------------------------------------------------------------------------------

# nginx's body limit is Streamlit's own (server.maxUploadSize, in MB, plus the 1 MB Streamlit allows
# for the multipart framing): a file the app accepts (ui: at most bnviz.core.io.MAX_MB = 16 MB, under
# that cap) always gets through, and one it refuses is refused by Streamlit with its own message.
max_upload_mb=$(sed -n 's/^maxUploadSize *= *\([0-9][0-9]*\).*/\1/p' .streamlit/config.toml)
max_upload_mb=${max_upload_mb:-200} # Streamlit's default
servers=""
for p in "${replica_ports[@]}"; do
  servers+="        server 127.0.0.1:$p;"$'\n'
done
user_line=""
# Run as root, nginx's workers would switch to "nobody", who cannot write in this user's run folder.
[ "$(id -u)" -ne 0 ] || user_line="user $(id -un) $(id -gn);"

cat >"$run_dir/nginx.conf" <<EOF
# Written by scripts/serve.sh for this run: $replicas replica(s) of bnviz behind port $port.
daemon off;
$user_line
worker_processes 1;
pid $run_dir/nginx.pid;
error_log $run_dir/error.log warn;
events { worker_connections 1024; }

http {
    client_body_temp_path $run_dir/tmp/body;
    proxy_temp_path $run_dir/tmp/proxy;
    fastcgi_temp_path $run_dir/tmp/fastcgi;
    uwsgi_temp_path $run_dir/tmp/uwsgi;
    scgi_temp_path $run_dir/tmp/scgi;

    # Which replica: the cookie, or for a browser without it yet, this request's own id, which the
    # response then sets as the cookie.
    map \$cookie_bnviz_replica \$bnviz_replica {
        "" \$request_id;
        default \$cookie_bnviz_replica;
    }
    map \$cookie_bnviz_replica \$bnviz_set_cookie {
        "" "bnviz_replica=\$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";  # an empty header is not sent
    }
    # A websocket asks to upgrade; any other request keeps its connection to the replica open.
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        "" "";
    }

    log_format bnviz '\$remote_addr [\$time_local] "\$request" \$status \$body_bytes_sent '
                     'cookie=\$cookie_bnviz_replica key=\$bnviz_replica upstream=\$upstream_addr '
                     'time=\$request_time';
    access_log $run_dir/access.log bnviz;

    upstream bnviz {
        hash \$bnviz_replica consistent;
$servers        keepalive 16;
    }

    server {
        listen $address:$port;
        client_max_body_size $((max_upload_mb + 1))m;

        location / {
            proxy_pass http://bnviz;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            # Host with its port: Streamlit accepts a websocket whose Origin is its Host (same origin),
            # so the browser's Origin (http://host:$port) must meet the Host it asked for.
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            # A session's websocket lives as long as its tab; a rerun may be quiet for a while.
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
            # Stream uploads and large responses (Streamlit's scripts) through, not via temporary files.
            proxy_request_buffering off;
            proxy_max_temp_file_size 0;
            add_header Set-Cookie \$bnviz_set_cookie always;
        }
    }
}
EOF

"$NGINX" -p "$run_dir" -c "$run_dir/nginx.conf" -e "$run_dir/error.log" &
pids+=($!)

wait_answering nginx "http://$probe:$port" "${pids[-1]}" "$run_dir/error.log"

echo "bnviz: $replicas replica(s) on ports ${replica_ports[*]}, behind nginx; logs in $run_dir"
echo "Open http://$shown:$port  (Ctrl-C stops everything)"

# Until Ctrl-C, SIGTERM, or one of them stops on its own (then stop the rest: no half-served class).
wait -n "${pids[@]}" || true
echo "A replica or nginx stopped on its own; stopping the rest." >&2
exit 1
