#!/usr/bin/env bash
# Runs the office example (playbooks/office.yml with playbooks/vars/office.yml) against the
# simulator the way docs/provision-a-pbx.md says to: with the example inventory, limited to the
# lab PBX. In check mode on a fresh PBX it stops at the departments (their holidays are not
# there yet) without a write; the first real run provisions the office; the second changes
# nothing and sends no write. check.yml compares what the PBX then holds with the vars file.
set -eu -o pipefail

cd "$(dirname "$0")"
config="$(pwd)/../../integration_config.yml"
collection="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/threecx/xapi"
work="$(mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/office.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# setup_sim, the helper role of the other targets, sits beside this one
export ANSIBLE_ROLES_PATH=..

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# office RUN [ARGS...]: the documented command, its output in $work/RUN.log; answers its exit code
office() {
    local run="$1" status=0
    shift
    ansible-playbook -i "$collection/playbooks/inventory" --limit lab -e "@$config" \
        "$collection/playbooks/office.yml" "$@" >"$work/$run.log" 2>&1 || status=$?
    return "$status"
}

# recap RUN FIELD: the value of FIELD (ok, changed, failed, ...) in the recap line of pbx-lab
recap() {
    sed -n "s/^pbx-lab *:.* $2=\([0-9]*\).*/\1/p" "$work/$1.log"
}

# play: check.yml with the integration inventory; STEP picks what it does
play() {
    ansible-playbook -i "${INVENTORY_PATH:?}" -e "@$config" -e "office_step=$1" check.yml \
        || fail "check.yml ($1) failed"
}

play reset

# check mode on the fresh PBX: the departments name holidays that only the real run creates
if office check --check --diff; then
    cat "$work/check.log"
    fail "the check mode run on a fresh PBX passed; it must stop at the departments"
fi
grep -q "no holiday named 'New Year'" "$work/check.log" || { cat "$work/check.log"; fail "no refusal of the missing holiday"; }
grep -q '^TASK \[Departments\]' "$work/check.log" || fail "the check mode run did not stop at the departments"
play no_writes

office first || { cat "$work/first.log"; fail "the first run failed"; }
[ "$(recap first failed)" = 0 ] || fail "the first run has failed tasks"
[ "$(recap first changed)" -gt 0 ] || fail "the first run changed nothing"
play provisioned

office second || { cat "$work/second.log"; fail "the second run failed"; }
[ "$(recap second changed)" = 0 ] || { cat "$work/second.log"; fail "the second run changed something"; }
[ "$(recap second ok)" = "$(recap first ok)" ] || fail "the second run did not run the tasks the first did"
play no_writes

echo "office.yml: check mode stopped at the departments; the first run changed $(recap first changed) tasks, the second none, without a write"
