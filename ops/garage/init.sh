#!/bin/sh
# Prepares a fresh single-node Garage for vpslink: assigns the node a role
# (the layout), creates the bucket, imports the access key from .env and
# grants it the bucket. Every step checks first, so running it again on a
# prepared node changes nothing.
#
# Runs in the garage-init service (docker-compose.yml), which shares the
# garage container's network and node key. Needs GARAGE_RPC_SECRET,
# LITESTREAM_S3_BUCKET, LITESTREAM_ACCESS_KEY_ID and
# LITESTREAM_SECRET_ACCESS_KEY.
set -eu

: "${GARAGE_RPC_SECRET:?set GARAGE_RPC_SECRET in .env}"
bucket="${LITESTREAM_S3_BUCKET:?set LITESTREAM_S3_BUCKET in .env}"
key_id="${LITESTREAM_ACCESS_KEY_ID:?set LITESTREAM_ACCESS_KEY_ID in .env (GK followed by 24 hex digits)}"
secret="${LITESTREAM_SECRET_ACCESS_KEY:?set LITESTREAM_SECRET_ACCESS_KEY in .env (64 hex digits)}"
capacity="${GARAGE_CAPACITY:-10G}"

g() { garage -c /etc/garage.toml "$@"; }

# The node may still be starting.
tries=0
until g status >/dev/null 2>&1; do
	tries=$((tries + 1))
	if [ "$tries" -ge 60 ]; then
		echo "garage-init: garage did not answer within 60 s" >&2
		g status
		exit 1
	fi
	sleep 1
done

if g layout show | grep -q 'No nodes currently have a role'; then
	node="$(g node id -q | cut -d@ -f1)"
	if ! g layout show | grep -q 'STAGED ROLE CHANGES'; then
		echo "garage-init: assigning this node to zone dc1, capacity $capacity"
		g layout assign -z dc1 -c "$capacity" "$node"
	fi
	version="$(g layout show | sed -n 's/^Current cluster layout version: //p')"
	g layout apply --version "$((version + 1))"
fi

if ! g bucket info "$bucket" >/dev/null 2>&1; then
	g bucket create "$bucket"
fi

if ! g key info "$key_id" >/dev/null 2>&1; then
	g key import --yes -n vpslink "$key_id" "$secret"
fi

# Idempotent: granting a permission the key already has is a no-op.
g bucket allow --read --write --owner "$bucket" --key "$key_id"

echo "garage-init: bucket $bucket ready for key $key_id (region garage)"
