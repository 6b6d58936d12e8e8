#!/usr/bin/env bash
# Posts FILE as cors-sync's one comment on pull request NUMBER, updating it on later runs. The
# comment is found by a hidden marker, not by `gh pr comment --edit-last`, which edits the last
# comment of the shared bot user: possibly another workflow's.
# Copy to .github/post-review-comment.sh. Usage: post-review-comment.sh NUMBER FILE
set -euo pipefail
number=$1
file=$2
marker='<!-- cors-sync -->'
body=$(printf '%s\n%s\n' "$marker" "$(cat "$file")")
existing=$(gh api "repos/${GITHUB_REPOSITORY}/issues/${number}/comments" --paginate \
  --jq ".[] | select(.body | startswith(\"${marker}\")) | .id" | head -n 1)
if [[ -n $existing ]]; then
  gh api --method PATCH "repos/${GITHUB_REPOSITORY}/issues/comments/${existing}" -f body="$body" >/dev/null
else
  gh api --method POST "repos/${GITHUB_REPOSITORY}/issues/${number}/comments" -f body="$body" >/dev/null
fi
