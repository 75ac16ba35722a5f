#!/usr/bin/env bash
# Runs play.yml at -vvv and checks that its whole output holds neither the client secret nor
# any token the simulator issued: not the shared token the play knows, and nothing shaped
# like a token (the tokens the modules got by logging in themselves are never known here).
set -eu -o pipefail

cd "$(dirname "$0")"
config="$(pwd)/../../integration_config.yml"
work="$(mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/no-secrets.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# setup_sim, the helper role of the other targets, sits beside this one
export ANSIBLE_ROLES_PATH=..
# results carry the module arguments (secrets masked): more output that could leak
export ANSIBLE_INJECT_INVOCATION=true

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Token shapes: a bearer header, and a JWT (header.payload. both base64url JSON objects)
TOKEN_SHAPES='Bearer +[A-Za-z0-9._~+/=-]{16,}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.'

# leaks FILE: lists the numbers of the lines of FILE that hold a known value or a token shape
leaks() {
    { grep -n -F -f "$work/known" "$1" || true; grep -n -E "$TOKEN_SHAPES" "$1" || true; } | cut -d: -f1 | sort -un
}

# play.yml writes the values to look for here; empty until then
: >"$work/known"
status=0
ansible-playbook -i "${INVENTORY_PATH:?}" -e "@$config" -e "no_secrets_dir=$work" play.yml -vvv "$@" \
    >"$work/output.log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
    # the play failed before or without leaking: show it, masked the same way as below
    sed -E "s/$TOKEN_SHAPES/<token>/g" "$work/output.log" | grep -v -F -f "$work/known" || true
    fail "play.yml failed with exit code $status"
fi

# what the search looks for, one a line, none empty: the client secret, the shared token, the
# wrong secret of a failed login, and a trunk password the PBX shows in clear
[ -s "$work/known" ] || fail "play.yml did not write the values to look for"
[ "$(grep -c . "$work/known")" -eq 4 ] || fail "expected 4 non-empty values to look for"
[ "$(grep -c -v . "$work/known")" -eq 0 ] || fail "an empty value to look for would match every line"

# the search finds what it must: each known value, a bearer header, a JWT-shaped string
{
    sed 's/.*/x & x/' "$work/known"
    printf 'Authorization: Bearer 0123456789abcdefghij\n'
    printf '"t": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"\n'
    printf 'ok: [testhost] => {"censored": "the output has been hidden"}\n'
} >"$work/canary"
[ "$(leaks "$work/canary" | tr '\n' ' ')" = "1 2 3 4 5 6 " ] || fail "the search does not find planted secrets"

# the output is the one expected: module arguments shown (secrets masked), diffs, failures
grep -q 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' "$work/output.log" || fail "no module arguments in the output"
grep -q '"operation": "updated"' "$work/output.log" || fail "no update result in the output"
grep -q '+.*No secrets line renamed' "$work/output.log" || fail "no diff in the output"
grep -q 'WARNINGS.XAPI.ALREADY_IN_USE' "$work/output.log" || fail "no server refusal in the output"
grep -q 'Login to the PBX failed' "$work/output.log" || fail "no failed login in the output"
grep -q 'one active token per client' "$work/output.log" || fail "no refused token in the output"
grep -q '"AuthID": "no-secrets-trunk"' "$work/output.log" || fail "no trunk in the output"

# the token task's result is hidden at every verbosity
token_task="$(awk '/^TASK \[Log in once for the play\]/ { on = 1; next } /^TASK \[/ { on = 0 } on' "$work/output.log")"
echo "$token_task" | grep -q '"censored": "the output has been hidden' || fail "the token task's result is not hidden"
if echo "$token_task" | grep -q 'access_token\|expires_in'; then
    fail "the token task shows its result"
fi

# a failed login of the token module shows why, like any other failure
failed_token_task="$(awk '/^TASK \[Log in with a wrong secret\]/ { on = 1; next } /^TASK \[/ { on = 0 } on' "$work/output.log")"
for shown in 'Login to the PBX failed: POST /connect/token failed with HTTP 401' 'Check client_id and client_secret' \
    '"status": 401'; do
    echo "$failed_token_task" | grep -q -F "$shown" || fail "the failed token task does not show: $shown"
done
if echo "$failed_token_task" | grep -q 'the output has been hidden'; then
    fail "the failed token task is hidden"
fi

found="$(leaks "$work/output.log" | tr '\n' ' ')"
[ -z "$found" ] || fail "secret or token in the output of play.yml, lines: $found"

echo "no secret and no token in $(wc -l <"$work/output.log") lines of -vvv output"
