# An example Conftest/OPA policy over cors-sync's JSON plan (`cors-sync plan --format json`):
# refuse any plan that would let every website write to a bucket. Run it with
#   cors-sync plan -f manifests/ --format json > plan.json && conftest test plan.json -p examples/conftest
# This is an example to adapt, not a policy cors-sync itself enforces (see lint CS001).
package main

import rego.v1

writes := {"PUT", "POST", "DELETE"}

deny contains message if {
	some change in input.changes
	change.action != "delete"
	some rule in change.after
	"*" in rule.allowed_origins
	some method in rule.allowed_methods
	method in writes
	message := sprintf("%s: allowed_origins [\"*\"] with %s lets any website write to the bucket", [change.address, method])
}
