#!/usr/bin/env bash
# One command: set everything up, create the first administrator on the very first start, then
# start the dashboard on the embedded default area (PATROL_AREA / PATROL_SETTINGS choose others)
# and, beside it, the download server of the routes for the leaders' phones (serve-exports).
#
# With no account in the store yet: from a terminal, the first administrator is created here
# (password asked without echo, the authenticator secret shown once with a QR code); without a
# terminal (a service), the command to run is printed and the login page says the same.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
settings=()
if [ -n "${PATROL_SETTINGS:-}" ]; then settings=(--settings "$PATROL_SETTINGS"); fi
patrol=(.venv/bin/patrol "${settings[@]}")
if [ -z "$("${patrol[@]}" users list)" ]; then
  if [ -t 0 ] && [ -t 1 ]; then
    echo "Chưa có tài khoản nào: tạo tài khoản quản trị hệ thống đầu tiên."
    echo "No account yet: create the first administrator."
    read -r -p "Tên đăng nhập / user name [quantri]: " username
    read -r -p "Họ và tên / full name: " full_name
    until "${patrol[@]}" users add "${username:-quantri}" --role administrator \
        --name "${full_name:-${username:-quantri}}"; do
      echo "Thử lại / try again (Ctrl-C to stop)."
    done
    echo "Đăng nhập bằng tài khoản này và mã của ứng dụng xác thực; tạo các tài khoản khác ở trang Người dùng."
    echo "Log in with this account and the authenticator app's code; add the other accounts on the Users page."
  else
    echo "Chưa có tài khoản nào / no account yet. Create the first administrator with:" >&2
    echo "  $(printf '%q ' "${patrol[@]}")users add quantri --role administrator --name 'Họ và tên'" >&2
  fi
fi
umask 077  # the store, keys, exports and reports are for the service account alone
# The download server for the patrol leaders' phones (the QR codes' links) runs beside the
# dashboard, on every interface of this computer; it stops with the dashboard. It prints the
# address phones on the ward network use (this computer's LAN address, or [export] address).
"${patrol[@]}" serve-exports &
exports_pid=$!
trap 'kill "$exports_pid" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
# dashboard.launch: streamlit run, without Streamlit's unauthenticated /_stcore/metrics endpoint
.venv/bin/python -m dashboard.launch run dashboard/app.py "$@"
